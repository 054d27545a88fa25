#pragma once

#include <string>
#include <vector>

#include "lab/plan.hpp"
#include "util/error.hpp"

namespace forja::lab {

// Raise fs.inotify limits (never lowers them): every host's systemd needs inotify instances,
// and the default 128 runs out at about 16 hosts.
[[nodiscard]] Result<void> raise_inotify_limits();

// The bridge k_bridge with k_bridge_address, up; created if missing.
[[nodiscard]] Result<void> ensure_bridge();
// Delete the bridge if it exists.
[[nodiscard]] Result<void> remove_bridge();

// The host's network namespace (named like the host) with lo up, eth0 at its address and a
// default route via the bridge; its veth peer on the bridge. Stale leftovers are replaced.
[[nodiscard]] Result<void> create_host_network(const PlannedHost& host);
// Delete the host's namespace and veth, if present.
[[nodiscard]] Result<void> remove_host_network(const PlannedHost& host);

// Whether the host's namespace exists.
[[nodiscard]] bool host_netns_exists(const PlannedHost& host);
// Indexes of lab hosts that have a namespace or a veth on this machine (stale ones included).
[[nodiscard]] std::vector<int> lab_networks_present();
// Pids of every process inside the host's network namespace.
[[nodiscard]] std::vector<int> netns_pids(const PlannedHost& host);

}  // namespace forja::lab
