#pragma once

#include <string>
#include <vector>

#include "util/error.hpp"
#include "util/process.hpp"

namespace forja::lab {

// Run a local command; a nonzero exit is an error quoting the command and its last stderr lines.
[[nodiscard]] Result<ProcessResult> run_checked(const std::vector<std::string>& argv,
                                                const ProcessOptions& options = {});

// Run a command inside a directory tree with chroot(8).
[[nodiscard]] Result<ProcessResult> run_in_chroot(const std::string& root,
                                                  std::vector<std::string> argv,
                                                  const ProcessOptions& options = {});

}  // namespace forja::lab
