#pragma once

#include "lab/config.hpp"
#include "lab/progress.hpp"
#include "util/error.hpp"

namespace forja::lab {

// Whether CACHE/base exists, carries the current k_base_stamp and was made with the
// repository in place.
[[nodiscard]] bool base_is_current(const LabPaths& paths);

// Whether CACHE/base exists at all (perhaps from an older forja).
[[nodiscard]] bool base_exists(const LabPaths& paths);

// CACHE/base: a copy of the bootstrap tree made into a lab host image (users, sudo, sshd
// taking its keys from k_host_ssh_dir, apt pointing at the local repo, /etc/hosts), built in
// a temp dir and renamed into place. Needs the bootstrap tree and the repo.
[[nodiscard]] Result<void> build_base(const LabPaths& paths, const Progress& progress);

}  // namespace forja::lab
