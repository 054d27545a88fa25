#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace forja {

// What opens a zone in one layer of firewalld (runtime or permanent).
struct FirewallLayer {
  std::vector<std::string> ports, services, rich_rules, protocols, source_ports;
};

// One zone as the firewall probe saw it.
struct FirewallStatus {
  bool installed = false;
  bool running = false;
  std::vector<std::string> zones;  // every zone firewalld has (runtime)
  FirewallLayer runtime, permanent;
};

// Parse the firewall probe (firewalld's D-Bus replies through busctl, or two
// `firewall-cmd --list-all` outputs, runtime then permanent).
[[nodiscard]] FirewallStatus parse_firewall_probe(std::string_view out);

}  // namespace forja
