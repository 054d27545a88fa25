#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transport/command.hpp"
#include "util/error.hpp"

namespace forja {

// What one round trip of commands-then-probes returned.
struct BatchResult {
  std::vector<ExecResult> commands;  // each command that ran, in order; the last one failed if
                                     // any did (stdout and stderr together in `out`)
  std::optional<std::vector<ProbeOutput>> probes;  // only when every command succeeded
};

// One POSIX sh script that runs `commands` in order, stopping at the first that fails, then
// every probe in order (each in a subshell with stdin closed), marking the start and exit
// status of each in its output with `marker`. A command or probe written `sh -c SCRIPT NAME
// ARGS...` runs as SCRIPT with ARGS as positional parameters in that subshell: its arguments
// never appear in a process's argv. A command's input is the next bytes of the script's own
// stdin, exactly as many as it has (batch_input gives them in order).
[[nodiscard]] std::string batch_script(const std::vector<Command>& commands,
                                       const std::vector<Probe>& probes, std::string_view marker);
// The stdin of batch_script: every command's input, one after the other.
[[nodiscard]] std::string batch_input(const std::vector<Command>& commands);

// Split the output of batch_script back into results; output cut short is an error (with the
// batch's exit status and stderr), never a guess.
[[nodiscard]] Result<BatchResult> split_batch(const ExecResult& result, std::size_t commands,
                                              std::size_t probes, std::string_view marker);

}  // namespace forja
