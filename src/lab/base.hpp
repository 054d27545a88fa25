#pragma once

#include "lab/config.hpp"
#include "lab/progress.hpp"
#include "util/error.hpp"

namespace forja::lab {

// Whether CACHE/base exists and carries the current k_base_stamp.
[[nodiscard]] bool base_is_current(const LabPaths& paths);

// Whether the image's package lists were read from the repository in place (a host installing
// from lists of another repository would ask it for files it does not hold).
[[nodiscard]] bool base_lists_current(const LabPaths& paths);

// Read the image's package lists again from the repository in place (seconds; a full
// build_base copies and customizes the whole tree). Only while no host runs on the image.
[[nodiscard]] Result<void> refresh_base_lists(const LabPaths& paths, const Progress& progress);

// Whether CACHE/base exists at all (perhaps from an older forja).
[[nodiscard]] bool base_exists(const LabPaths& paths);

// CACHE/base: a copy of the bootstrap tree made into a lab host image (users, sudo, sshd
// taking its keys from k_host_ssh_dir, apt pointing at the local repo, /etc/hosts), built in
// a temp dir and renamed into place. Needs the bootstrap tree and the repo.
[[nodiscard]] Result<void> build_base(const LabPaths& paths, const Progress& progress);

}  // namespace forja::lab
