#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lab/config.hpp"
#include "lab/progress.hpp"
#include "util/error.hpp"

namespace forja::lab {

// CACHE/repo: an offline apt repository (flat, `dpkg-scanpackages` index) holding
// repo_packages() and all their dependencies, downloaded once through a chroot of the
// bootstrap tree; built in a temp dir and renamed into place when complete.
[[nodiscard]] Result<void> ensure_repo(const LabPaths& paths, const Progress& progress);
// Whether the repository exists and holds the current package list.
[[nodiscard]] bool repo_is_current(const LabPaths& paths);

// The package names in `apt-cache depends --recurse` output (virtual "<names>" skipped).
[[nodiscard]] std::vector<std::string> parse_dependency_closure(std::string_view apt_cache_out);

}  // namespace forja::lab
