#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace forja {

// One zone's open ports and services, runtime and permanent, as firewall-cmd lists them.
struct FirewallStatus {
  bool installed = false;
  bool running = false;
  std::vector<std::string> runtime_ports, runtime_services;
  std::vector<std::string> permanent_ports, permanent_services;
};

// Parse the firewall probe (two `firewall-cmd --list-all` outputs, runtime then permanent).
[[nodiscard]] FirewallStatus parse_firewall_probe(std::string_view out);

}  // namespace forja
