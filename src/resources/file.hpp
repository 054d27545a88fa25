#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace forja {

// What the file probe saw at a path.
struct FileStatus {
  std::string type;  // "missing", "file", "directory", "link" or "other"
  std::string mode;  // octal, e.g. "644"
  std::string owner;
  std::string group;
  std::string sha256;                  // files only
  std::optional<std::string> content;  // files only, and only when sha256 differs from desired
};

// Parse the output of the file probe.
[[nodiscard]] FileStatus parse_file_probe(std::string_view out);

// "0644" and "644" compare equal.
[[nodiscard]] bool same_mode(std::string_view a, std::string_view b);

}  // namespace forja
