#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lab/apt_output.hpp"
#include "lab/local_deb.hpp"
#include "lab/package_spec.hpp"
#include "lab/repo_manifest.hpp"

namespace forja::lab {

// The pure steps of building the repository for a request, between apt's outputs.

// What apt is asked the dependency closure of: the built-in names, each Debian extra (as
// NAME/SUITE when from another suite) and the package of each local file.
[[nodiscard]] std::vector<std::string> closure_roots(const std::vector<std::string>& built_in,
                                                     const std::vector<PackageSpec>& debian_extras,
                                                     const std::vector<LocalDeb>& local_debs);

// A Debian extra that no fetched index has in the suite it was asked from.
struct MissingPackage {
  PackageSpec spec;
  std::vector<std::string> found_in;  // other fetched suites that have it
  std::string suggestion;             // a close name in its suite, or "" (filled by the caller)
};
[[nodiscard]] std::vector<MissingPackage> find_missing(
    const std::vector<PackageSpec>& debian_extras, const std::vector<AptVersion>& versions);
// One line per missing package, each naming it, where it was named, and a way out.
[[nodiscard]] std::string missing_packages_message(const std::vector<MissingPackage>& missing);

// Suites the mirror has no Release file for: one line per spec naming such a suite.
[[nodiscard]] std::string missing_suites_message(const std::vector<std::string>& missing_suites,
                                                 const std::vector<PackageSpec>& debian_extras);

// Dependencies that nothing fetched can satisfy, from `apt-cache depends PACKAGE...` (without
// --recurse, recommends and the like): "app depends on 'foo'", "app depends on 'a | b'".
[[nodiscard]] std::vector<std::string> unsatisfiable_depends(std::string_view apt_cache_out);

// What to download: the closure, each extra from another suite as NAME/SUITE, without the
// packages that local files provide (their files go in instead).
[[nodiscard]] std::vector<std::string> download_names(const std::vector<std::string>& closure,
                                                      const std::vector<PackageSpec>& debian_extras,
                                                      const std::vector<LocalDeb>& local_debs);

// Package name and version of a file apt-get download wrote:
// "libcrypt1_1%3a4.4.33-2_amd64.deb" -> {"libcrypt1", "1:4.4.33-2"}.
[[nodiscard]] std::pair<std::string, std::string> deb_file_name_version(std::string_view file);

// The extras as `forja lab status` shows them: Debian ones with the version downloaded,
// local files with theirs.
[[nodiscard]] std::vector<RepoExtra> manifest_extras(const std::vector<PackageSpec>& debian_extras,
                                                     const std::vector<LocalDeb>& local_debs,
                                                     const std::vector<AptDownload>& downloads);

}  // namespace forja::lab
