#pragma once

#include <string>
#include <vector>

#include "lab/config.hpp"
#include "lab/package_spec.hpp"
#include "lab/plan.hpp"
#include "lab/progress.hpp"
#include "util/error.hpp"

namespace forja::lab {

// What the lab's operations do; the CLI (src/cli/lab.cpp) is a thin layer over these.

// Build the cached base image and the offline repo holding the built-in packages and `extras`
// (merged specs); each is rebuilt only when missing or stale, and never under running hosts.
[[nodiscard]] Result<void> prepare(const LabPaths& paths, const std::vector<PackageSpec>& extras,
                                   const Progress& progress);

// Ensure hosts lab1..lab<count> and `rpm_count` rpm-family hosts after them (and any host
// already in the lab) run and answer SSH; prepares first when needed (see prepare, and
// rpm_image.hpp for the rpm hosts' layer); writes known_hosts and the inventories. Running
// hosts are left alone; one running as another kind than asked is bad input.
[[nodiscard]] Result<void> up(const LabPaths& paths, int count, int rpm_count,
                              const std::vector<PackageSpec>& extras, const Progress& progress);

// Stop every host and remove namespaces, veths and the bridge.
[[nodiscard]] Result<void> down(const LabPaths& paths, const Progress& progress);

// Stop / start one host of the lab (it keeps its address and host key).
[[nodiscard]] Result<void> stop(const LabPaths& paths, const std::string& name,
                                const Progress& progress);
[[nodiscard]] Result<void> start(const LabPaths& paths, const std::string& name,
                                 const Progress& progress);

// Boot the named hosts (lab<N>, Debian), joining the lab if they are not in it yet, and wait
// until their sshd answers; known_hosts and the inventories list them from then on. Hosts
// already running are left alone. The lab must be prepared ('forja lab up' or 'prepare').
[[nodiscard]] Result<void> add(const LabPaths& paths, const std::vector<std::string>& names,
                               const Progress& progress);

// Stop the named hosts and take them out of the lab (state, known_hosts, inventories); a name
// the lab does not have is noted, not an error. The other hosts are left alone.
[[nodiscard]] Result<void> remove(const LabPaths& paths, const std::vector<std::string>& names,
                                  const Progress& progress);

// One row of `forja lab status`.
struct HostStatus {
  PlannedHost host;
  int pid = 0;  // 0 when not running
  bool ssh = false;
};
[[nodiscard]] Result<std::vector<HostStatus>> status(const LabPaths& paths);

// The lab host with this name, from the lab's state (bad input when there is none).
[[nodiscard]] Result<PlannedHost> find_host(const LabPaths& paths, const std::string& name);

}  // namespace forja::lab
