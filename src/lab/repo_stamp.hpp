#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/local_deb.hpp"
#include "lab/package_spec.hpp"

namespace forja::lab {

// The repository stamp (CACHE/repo/forja-repo-packages): one line per package the repository
// was built for: the built-in list in its order (what forjas before `--packages` wrote, so they
// still take a repository without extras as current), then each extra's key, a local file's
// key followed by its sha256.
[[nodiscard]] std::string render_repo_stamp(const std::vector<std::string>& built_in,
                                            const std::vector<PackageSpec>& debian_extras,
                                            const std::vector<LocalDeb>& local_debs);

// What to do with the repository for a request.
enum class RepoAction {
  keep,     // it holds what is asked (exactly, or more while hosts run on it)
  rebuild,  // build it again for exactly what is asked
  refuse,   // it lacks something, but hosts run on it: never rebuilt under them
};
enum class HostsRunning { no, yes };
struct RepoDecision {
  RepoAction action = RepoAction::keep;
  std::vector<std::string> missing;  // what it lacks (refuse): first word of each stamp line
  std::vector<std::string> surplus;  // what it holds beyond the request (keep while hosts run)
};

// Compare the stamp the repository holds (nullopt: no repository) with the wanted one. It is
// rebuilt only when the lists differ, and never while hosts run on it.
[[nodiscard]] RepoDecision decide_repo(const std::optional<std::string>& held,
                                       std::string_view wanted, HostsRunning running);

}  // namespace forja::lab
