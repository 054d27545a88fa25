#pragma once

// Host patterns of Ansible's inventories: "name:port", "[v6]:port", ranges ("web[01:10:2]",
// "db-[a:f]", "mail[:5]"), as Ansible's parse_address and expand_hostname_range read them.
// Pure; errors are messages the caller locates.

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "util/limits.hpp"

namespace forja {

struct HostPattern {
  std::string host;  // may still hold ranges
  int port = 0;      // 0: none given
};

// Split off a port where Ansible does: "h:22", "[::1]:22"; a name Ansible cannot parse (an
// IPv6 address with a zone, "fe80::1%eth0") is kept whole, without a port.
[[nodiscard]] std::expected<HostPattern, std::string> parse_host_pattern(std::string_view text);

// Hosts one range may produce: "web[1:10000]" is the most.
inline constexpr long long k_max_range_hosts = 10'000;
// Names all the ranges of one file may produce together, a host counted once per line that
// names it: thousands of hosts in several groups pass; millions (seconds of work) do not.
inline constexpr std::size_t k_max_range_names = 100'000 / k_limit_divisor;

// Expand every [begin:end] or [begin:end:step] range, left to right; at most `room` names.
[[nodiscard]] std::expected<std::vector<std::string>, std::string> expand_host_ranges(
    const std::string& host, std::size_t room);

}  // namespace forja
