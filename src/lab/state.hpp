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
  // Drop the entry for this host name; false when there was none.
  bool remove(std::string_view name);
};

// The state file's text: one "NAME ADDRESS PID" line per host.
[[nodiscard]] std::string render_state(const LabState& state);
// Parse render_state's text; `origin` names the file in errors.
[[nodiscard]] Result<LabState> parse_state(std::string_view text, std::string_view origin);

// The kinds of the hosts that are not Debian, beside the state file (STATE/lab.kinds, one
// "NAME KIND" line each): lab.state keeps the format every forja reads, so a forja that knows no
// kinds still lists, stops and takes down a lab with rpm hosts.
[[nodiscard]] std::filesystem::path kinds_file(const std::filesystem::path& state_file);
[[nodiscard]] std::string render_kinds(const LabState& state);
// Set the kinds named in `text` on the hosts of `state`; names the state lacks are left
// (a forja without kinds took the lab down); `origin` names the file in errors.
[[nodiscard]] Result<void> apply_kinds(std::string_view text, std::string_view origin,
                                       LabState& state);

// Read the state file (and its kinds file); an absent file is an empty lab.
[[nodiscard]] Result<LabState> load_state(const std::filesystem::path& file);
// Write the state file atomically (and the kinds file, removed when every host is Debian).
[[nodiscard]] Result<void> save_state(const std::filesystem::path& file, const LabState& state);

}  // namespace forja::lab
