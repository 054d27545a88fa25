#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "transport/command.hpp"
#include "util/error.hpp"

namespace forja {

// One POSIX sh script that runs every probe in order, each in a subshell with stdin closed,
// and marks the start and exit status of each in its output with `marker`. A probe written
// `sh -c SCRIPT NAME ARGS...` runs as SCRIPT with ARGS as positional parameters in that
// subshell: its arguments never appear in a process's argv.
[[nodiscard]] std::string probe_batch_script(const std::vector<Probe>& probes,
                                             std::string_view marker);

// Split the output of probe_batch_script back into one ProbeOutput per probe; a batch cut
// short is an error (with the batch's exit status and stderr), never a guess.
[[nodiscard]] Result<std::vector<ProbeOutput>> split_probe_batch(const ExecResult& result,
                                                                 std::size_t count,
                                                                 std::string_view marker);

}  // namespace forja
