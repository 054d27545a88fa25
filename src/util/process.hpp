#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace forja {

// Output and exit status of a finished local process.
struct ProcessResult {
  int exit_status = -1;  // exit code, or 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

// How to run a local process.
struct ProcessOptions {
  std::string input;                                 // written to its stdin, then stdin is closed
  std::optional<std::chrono::milliseconds> timeout;  // killed (SIGKILL) after this long
  std::map<std::string, std::string> extra_env;      // added to the inherited environment
  bool inherit_output = false;                       // let stdout/stderr go to ours (not captured)
};

// Run argv (no shell involved) and wait for it. Fails only when it cannot be started or timed out.
[[nodiscard]] Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                                const ProcessOptions& options = {});

}  // namespace forja
