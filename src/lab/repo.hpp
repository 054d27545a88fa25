#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lab/apt_output.hpp"
#include "lab/apt_private.hpp"
#include "lab/config.hpp"
#include "lab/local_deb.hpp"
#include "lab/package_spec.hpp"
#include "lab/progress.hpp"
#include "lab/repo_manifest.hpp"
#include "util/error.hpp"

namespace forja::lab {

// CACHE/repo: an offline apt repository (flat, `dpkg-scanpackages` index) holding
// repo_packages(), the extras a user asked for, and all their dependencies. Resolved and
// downloaded with a private apt (apt_private.hpp), through CACHE/pool (every .deb fetched so
// far), then built in a temp dir and renamed into place when complete.

// A request with its local files read; its stamp is what the repository records.
struct WantedRepo {
  std::vector<PackageSpec> debian;  // extras from Debian (k_suite or another suite)
  std::vector<LocalDeb> local;      // extras from local files
  std::string stamp;                // render_repo_stamp of the whole request
};
// Read the local files among the (merged) extras; bad input naming a file that is missing or
// no package, or two files of one package.
[[nodiscard]] Result<WantedRepo> wanted_repo(const std::vector<PackageSpec>& extras);

// The stamp of the repository in place, or nullopt when there is none.
[[nodiscard]] std::optional<std::string> held_stamp(const LabPaths& paths);
// Whether a repository (of any package list) is in place.
[[nodiscard]] bool repo_exists(const LabPaths& paths);
// An identity of the repository's index (sha256 of Packages); "" when there is none.
[[nodiscard]] std::string repo_id(const LabPaths& paths);

// A request checked against Debian, ready to build.
struct ResolvedRepo {
  WantedRepo wanted;
  PrivateApt apt;                                 // configured for its suites and local files
  std::vector<AptDownload> downloads;             // every Debian file the repository gets
  std::vector<std::string> names;                 // the same, as apt-get download names them
  std::chrono::steady_clock::time_point started;  // when resolving began
};
// Refresh the private apt's lists, then check that every extra exists in its suite and that
// local files' dependencies can be met; bad input (exit 2) naming each culprit otherwise.
// Nothing is built or removed.
[[nodiscard]] Result<ResolvedRepo> resolve_repo(const LabPaths& paths, WantedRepo wanted,
                                                const Progress& progress);

// Build CACHE/repo for a resolved request and put it in place of the old one.
[[nodiscard]] Result<void> build_repo(const LabPaths& paths, const ResolvedRepo& resolved,
                                      const Progress& progress);

// What `forja lab status` shows of the repository: its manifest, or for a repository built by
// an older forja, the package count and the index's time; nullopt when there is none.
[[nodiscard]] Result<std::optional<RepoManifest>> repo_status(const LabPaths& paths);

}  // namespace forja::lab
