#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "lab/config.hpp"
#include "lab/plan.hpp"
#include "util/error.hpp"

namespace forja::lab {

// The systemd-nspawn command line that boots one host (its network namespace must exist); an
// rpm host boots the rpm layer over the image (mounted first: mount_rpm_root) and gets its dnf
// repository.
[[nodiscard]] std::vector<std::string> nspawn_argv(const LabPaths& paths, const PlannedHost& host);

// Boot the host detached (own session, stdin /dev/null, output to its log); returns the pid.
[[nodiscard]] Result<int> boot_host(const LabPaths& paths, const PlannedHost& host);

// Whether `pid` is a live systemd-nspawn of this host (not a zombie, not a reused pid).
[[nodiscard]] bool host_process_alive(int pid, const PlannedHost& host);

// The kind of host a live systemd-nspawn boots, from its image directory.
[[nodiscard]] HostKind host_process_kind(const LabPaths& paths, int pid);

// Every live systemd-nspawn of a lab host on this machine: host index -> pid.
[[nodiscard]] std::map<int, int> find_host_processes();

// Stop hosts: SIGTERM each nspawn, wait up to `grace`, then SIGKILL it and every process left
// in the host's network namespace. `pids` maps host index -> nspawn pid (0 = none).
void stop_host_processes(const std::map<int, int>& pids, std::chrono::seconds grace);

// Whether an SSH server answers at address:22 with its banner within `timeout`.
[[nodiscard]] bool ssh_answers(const std::string& address, std::chrono::milliseconds timeout);

}  // namespace forja::lab
