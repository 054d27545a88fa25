#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lab/package_spec.hpp"
#include "util/error.hpp"

namespace forja::lab {

// A local package file a user named, as dpkg-deb reads it.
struct LocalDeb {
  PackageSpec spec;
  std::string package;
  std::string version;
  std::string architecture;
  std::string sha256;  // of the file: a rebuilt file is another request

  // Its line in the repository stamp: "file:/abs/app_1.0_all.deb SHA256".
  [[nodiscard]] std::string stamp_line() const;
  // Its file name in a repository, as dpkg-deb --build names it: app_1.0_all.deb (no epoch).
  [[nodiscard]] std::string file_name() const;
};

// Fill package, version and architecture from `dpkg-deb --field FILE Package Version
// Architecture` output; bad input naming the spec when a field is missing.
[[nodiscard]] Result<LocalDeb> parse_deb_fields(const PackageSpec& spec,
                                                std::string_view dpkg_deb_out);

// Bad input unless every file installs on `arch` ("all" or that architecture), and no package
// comes from two files.
[[nodiscard]] Result<void> check_local_debs(const std::vector<LocalDeb>& debs,
                                            std::string_view arch);

// Read a local .deb (dpkg-deb) and hash it; bad input naming the spec and its origin when the
// file is missing or no Debian package.
[[nodiscard]] Result<LocalDeb> inspect_local_deb(const PackageSpec& spec);

}  // namespace forja::lab
