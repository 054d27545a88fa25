#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "resources/resource.hpp"
#include "transport/transport.hpp"

namespace forja {

// One POSIX sh script that runs every probe in order (stdin closed for each) and marks the
// start and exit status of each in its output with `marker`.
[[nodiscard]] std::string probe_script(const std::vector<Probe>& probes, std::string_view marker);

// Split the output of probe_script back into one ProbeOutput per probe.
[[nodiscard]] Result<std::vector<ProbeOutput>> split_probe_output(std::string_view output,
                                                                  std::size_t count,
                                                                  std::string_view marker);

// Run all probes on a host in one round trip (privileged when the host becomes root).
[[nodiscard]] Result<std::vector<ProbeOutput>> run_probes(Transport& transport,
                                                          const std::vector<Probe>& probes);

}  // namespace forja
