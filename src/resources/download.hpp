#pragma once

#include <string>
#include <string_view>

namespace forja {

// What the download probe saw.
struct DownloadStatus {
  std::string archive_sha;    // sha256 of the downloaded file, "" when absent
  std::string mode;           // of the downloaded file, octal ("644"), "" when absent
  std::string owner;          // of the downloaded file
  std::string extracted;      // sha256 recorded when the archive was last extracted
  std::string binary_sha;     // sha256 of the binary inside the extracted tree, "" when absent
  std::string installed_sha;  // sha256 of the installed binary, "" when absent
};

[[nodiscard]] DownloadStatus parse_download_probe(std::string_view out);

}  // namespace forja
