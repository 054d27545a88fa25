#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace forja::lab {

// One package a user asks the lab's repository to hold besides the built-in list:
// "lighttpd" (from k_suite), "consul/bullseye" (from another Debian suite) or "./app_1.0_all.deb"
// (a local package file; any word ending in .deb).
struct PackageSpec {
  enum class Kind { debian, local_deb };
  Kind kind = Kind::debian;
  std::string name;            // Debian package name; for a local file, the path as written
  std::string suite;           // the Debian suite (k_suite unless named); empty for a local file
  std::filesystem::path file;  // local file: the path made absolute against its base directory
  std::string origin;          // where it was named, for messages: "--packages", "lab.yml:3:5"

  // As a user writes it: "lighttpd", "consul/bullseye", "./app_1.0_all.deb".
  [[nodiscard]] std::string text() const;
  // One spelling per package (what the repository stamp records): "lighttpd",
  // "consul/bullseye", "file:/abs/app_1.0_all.deb".
  [[nodiscard]] std::string key() const;
};

// Whether a word is a Debian package name (policy 5.6.1: [a-z0-9][a-z0-9+.-]+).
[[nodiscard]] bool is_debian_package_name(std::string_view word);
// Whether a word is a Debian suite name (bullseye, trixie, bookworm-backports, sid).
[[nodiscard]] bool is_debian_suite_name(std::string_view word);

// One word; relative .deb paths are made absolute against `base_dir`. Errors (bad input) quote
// the word and say what is wrong, without saying where it came from: the caller does.
[[nodiscard]] Result<PackageSpec> parse_package_spec(std::string_view word,
                                                     const std::filesystem::path& base_dir);

// A comma-separated list as given on the command line ("nginx-light,consul/bullseye");
// errors start with `origin`.
[[nodiscard]] Result<std::vector<PackageSpec>> parse_package_list(
    std::string_view list, std::string_view origin, const std::filesystem::path& base_dir);

// The lab's built-in list as specs: each entry is NAME (from k_suite) or NAME/SUITE, with
// "built-in list" as its origin.
[[nodiscard]] std::vector<PackageSpec> built_in_specs(const std::vector<std::string>& built_in);

// The specs once each, ordered by key, dropping what the built-in list already holds (the same
// name from the same suite). One package named from two suites, or from another suite than the
// built-in list's, is bad input naming both places.
[[nodiscard]] Result<std::vector<PackageSpec>> merge_package_specs(
    std::vector<PackageSpec> specs, const std::vector<std::string>& built_in);

}  // namespace forja::lab
