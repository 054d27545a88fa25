#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace forja::lab {

// Pure parsers of what apt prints while the lab builds its repository.

// The package names in `apt-cache depends --recurse` output (virtual "<names>" skipped).
[[nodiscard]] std::vector<std::string> parse_dependency_closure(std::string_view apt_cache_out);

// One line of `apt-cache madison`: a version of a package in one index.
struct AptVersion {
  std::string name;
  std::string version;
  std::string suite;  // the distribution as the sources list names it ("bullseye"; "." when flat)
};
// `apt-cache madison NAME...` output ("  consul | 1.8.7 | http://... bullseye/main amd64
// Packages"); lines of source indexes and anything unparsable are skipped.
[[nodiscard]] std::vector<AptVersion> parse_madison(std::string_view madison_out);

// One line of `apt-get download --print-uris`: what apt would fetch, and the file it writes.
struct AptDownload {
  std::string uri;
  std::string file;  // name_version_arch.deb, epoch as %3a, as apt-get download names it
  std::uintmax_t size = 0;
  std::string sha256;  // lower-case hex; empty when apt printed another hash
};
[[nodiscard]] std::vector<AptDownload> parse_print_uris(std::string_view print_uris_out);

// The suites among `suites` that an `apt-get update` error says have no Release file
// ("The repository 'http://deb.debian.org/debian bullsey Release' does not have a Release file").
[[nodiscard]] std::vector<std::string> suites_without_release(
    std::string_view update_out, const std::vector<std::string>& suites);

}  // namespace forja::lab
