#include "lab/plan.hpp"

#include <charconv>
#include <cstdio>

namespace forja::lab {

PlannedHost planned_host(int index) {
  std::string name = "lab" + std::to_string(index);
  char last[3];
  std::snprintf(last, sizeof last, "%02x", static_cast<unsigned>(index & 0xff));
  return {index,
          name,
          std::string(k_subnet_prefix) + std::to_string(k_first_host_octet + index),
          "fj-" + name,
          std::string("02:66:6a:00:00:") + last,
          std::string("02:66:6a:01:00:") + last};
}

std::string_view kind_name(HostKind kind) { return kind == HostKind::rpm ? "rpm" : "debian"; }

Result<std::vector<PlannedHost>> host_plan(int count, int rpm_count) {
  if (count < 1 || count > k_max_hosts) {
    return bad_input("the lab holds 1 to " + std::to_string(k_max_hosts) + " hosts, not " +
                     std::to_string(count));
  }
  if (rpm_count < 0 || count + rpm_count > k_max_hosts) {
    return bad_input("the lab holds " + std::to_string(k_max_hosts) +
                     " hosts: " + std::to_string(count) + " Debian hosts leave room for 0 to " +
                     std::to_string(k_max_hosts - count) + " rpm hosts, not " +
                     std::to_string(rpm_count));
  }
  std::vector<PlannedHost> hosts;
  for (int i = 1; i <= count + rpm_count; ++i) {
    hosts.push_back(planned_host(i));
    if (i > count) hosts.back().kind = HostKind::rpm;
  }
  return hosts;
}

std::optional<int> host_index(std::string_view name) {
  if (!name.starts_with("lab") || name.size() == 3) return std::nullopt;
  auto digits = name.substr(3);
  if (digits.front() == '0') return std::nullopt;
  int index = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  if (index < 1 || index > k_max_hosts) return std::nullopt;
  return index;
}

Result<std::vector<PlannedHost>> named_hosts(const std::vector<std::string>& names) {
  if (names.empty()) {
    return bad_input("no host named (lab hosts are lab1 .. lab" + std::to_string(k_max_hosts) +
                     ")");
  }
  std::vector<PlannedHost> hosts;
  for (const auto& name : names) {
    auto index = host_index(name);
    if (!index) {
      return bad_input("'" + name + "' is not a lab host name (lab1 .. lab" +
                       std::to_string(k_max_hosts) + ", each at 10.77.0.(10+N))");
    }
    for (const auto& h : hosts) {
      if (h.index == *index) return bad_input("'" + name + "' is named twice");
    }
    hosts.push_back(planned_host(*index));
  }
  return hosts;
}

}  // namespace forja::lab
