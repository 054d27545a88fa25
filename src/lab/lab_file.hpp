#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lab/package_spec.hpp"
#include "util/error.hpp"

namespace forja::lab {

// A lab file, kept beside the playbooks it serves (e.g. playbooks/lab.yml): what the lab must
// offer to run them. Today one key:
//
//   packages:                      # besides the built-in list
//     - lighttpd                   # from bookworm
//     - consul/bullseye            # from another Debian suite
//     - ../dist/app_1.0_all.deb    # a local package file, relative to this file
//
// Each spec's origin is FILE:LINE:COL; errors are located there, with the line and a caret.
[[nodiscard]] Result<std::vector<PackageSpec>> parse_lab_file(const std::string& path,
                                                              std::string_view text);
// Read and parse a lab file.
[[nodiscard]] Result<std::vector<PackageSpec>> load_lab_file(const std::string& path);

}  // namespace forja::lab
