#pragma once

#include <string>
#include <vector>

#include "lab/plan.hpp"
#include "util/error.hpp"

namespace forja::lab {

// Each host gets its own cgroup (forja-lab/<name>) in every cgroup hierarchy systemd uses
// (name=systemd and unified on a hybrid machine, the one cgroup2 tree otherwise). Without it,
// hosts started outside a systemd unit share one cgroup and their systemds fight over it.
// Creates the cgroups and returns the cgroup.procs files the host's nspawn must join.
[[nodiscard]] Result<std::vector<std::string>> create_host_cgroups(const PlannedHost& host);

// Remove the host's cgroups (only possible once its processes are gone; errors ignored).
void remove_host_cgroups(const PlannedHost& host);

}  // namespace forja::lab
