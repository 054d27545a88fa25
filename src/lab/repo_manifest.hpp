#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace forja::lab {

// One package the repository holds because a user asked for it.
struct RepoExtra {
  std::string name;     // the package name
  std::string version;  // the version in the repository
  std::string suite;    // the Debian suite it came from, or "local"
  std::string file;     // a local package: the file it came from
  bool operator==(const RepoExtra&) const = default;
};

// CACHE/repo/forja-repo.manifest: what the repository was built with, for `forja lab status`.
struct RepoManifest {
  std::string built;         // when, in UTC: 2026-11-26T13:34:05Z
  long seconds = 0;          // how long the build took
  std::size_t packages = 0;  // .deb files it holds
  std::vector<RepoExtra> extras;
  bool operator==(const RepoManifest&) const = default;
};

// Line by line: "built TIME", "seconds N", "packages N", "extra NAME VERSION SUITE [FILE]".
[[nodiscard]] std::string render_repo_manifest(const RepoManifest& manifest);
// Parse render_repo_manifest's text (unknown keys are skipped); `origin` names the file in
// errors.
[[nodiscard]] Result<RepoManifest> parse_repo_manifest(std::string_view text,
                                                       std::string_view origin);

}  // namespace forja::lab
