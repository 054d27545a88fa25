#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lab/plan.hpp"
#include "util/error.hpp"

namespace forja::lab {

// What the lab remembers about one host between commands.
struct HostState {
  PlannedHost host;
  int pid = 0;  // the host's systemd-nspawn process; 0 when stopped
};

// The lab's hosts, in index order (file STATE/lab.state).
struct LabState {
  std::vector<HostState> hosts;

  // The entry for this host name, or nullptr.
  [[nodiscard]] HostState* find(std::string_view name);
  // The entry for this host, added (stopped) if it is missing; keeps index order.
  HostState& ensure(const PlannedHost& host);
};

// The state file's text: one "NAME ADDRESS PID" line per host.
[[nodiscard]] std::string render_state(const LabState& state);
// Parse render_state's text; `origin` names the file in errors.
[[nodiscard]] Result<LabState> parse_state(std::string_view text, std::string_view origin);

// Read the state file; an absent file is an empty lab.
[[nodiscard]] Result<LabState> load_state(const std::filesystem::path& file);
// Write the state file atomically.
[[nodiscard]] Result<void> save_state(const std::filesystem::path& file, const LabState& state);

}  // namespace forja::lab
