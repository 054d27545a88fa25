#pragma once

#include "lab/config.hpp"
#include "lab/progress.hpp"
#include "util/error.hpp"

namespace forja::lab {

// CACHE/bootstrap: a pristine debootstrap of k_suite with base_packages(), built once in a
// temp dir and renamed into place when complete. Base and repo are both made from it.
[[nodiscard]] Result<void> ensure_bootstrap(const LabPaths& paths, const Progress& progress);

}  // namespace forja::lab
