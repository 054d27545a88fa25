#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace forja::lab {

// The lab network: one bridge on the machine, one address per host on its /24.
inline constexpr std::string_view k_bridge = "forja0";
inline constexpr std::string_view k_subnet_prefix = "10.77.0.";  // + last octet
inline constexpr std::string_view k_bridge_address = "10.77.0.1";
// Fixed MAC addresses: a restarted host (or a bridge whose ports changed) keeps its MAC, so
// the neighbour caches of the machine and the other hosts stay right.
inline constexpr std::string_view k_bridge_mac = "02:66:6a:ff:00:01";
inline constexpr int k_prefix_length = 24;
inline constexpr int k_first_host_octet = 10;  // lab1 is .11
inline constexpr int k_max_hosts = 200;        // .11 .. .210
inline constexpr int k_default_hosts = 4;

// What a lab host runs: Debian as it is, or Debian made an rpm-family host (dnf, rpm, an
// os-release declaring the rhel family, a dnf repository of test packages; see rpm_image.hpp).
enum class HostKind { debian, rpm };

// "debian" / "rpm".
[[nodiscard]] std::string_view kind_name(HostKind kind);

// One planned lab host: lab<index> at 10.77.0.(10 + index).
struct PlannedHost {
  int index = 0;
  std::string name;      // lab1, also the netns and machine name
  std::string address;   // 10.77.0.11
  std::string veth;      // machine-side end of its veth pair, e.g. fj-lab1
  std::string mac;       // the host's eth0: 02:66:6a:00:00:<index in hex>
  std::string veth_mac;  // the machine-side end: 02:66:6a:01:00:<index in hex>
  HostKind kind = HostKind::debian;
};

// The host with this index (1-based).
[[nodiscard]] PlannedHost planned_host(int index);

// lab1..lab<count> (Debian), then `rpm_count` rpm-family hosts after them; bad input when
// count is outside 1..k_max_hosts, rpm_count negative, or both together more than the lab holds.
[[nodiscard]] Result<std::vector<PlannedHost>> host_plan(int count, int rpm_count = 0);

// The index of a lab host name ("lab7" -> 7), or nothing when it is not one.
[[nodiscard]] std::optional<int> host_index(std::string_view name);

// The Debian hosts with these names (`forja lab add/remove`), in the order given; bad input for
// a name that is no lab host name (lab1 .. lab<k_max_hosts>), or one given twice.
[[nodiscard]] Result<std::vector<PlannedHost>> named_hosts(const std::vector<std::string>& names);

}  // namespace forja::lab
