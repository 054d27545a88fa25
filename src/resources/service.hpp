#pragma once

#include <string>
#include <string_view>

namespace forja {

// What the service probe saw.
struct ServiceStatus {
  bool exists = false;   // the unit (or init script) is installed
  bool active = false;   // running
  std::string enabled;   // "enabled", "disabled", "static", "unknown", ...
};

// Parse the service probe's output (systemd: `systemctl show` lines; other: "rc=N" lines).
[[nodiscard]] ServiceStatus parse_service_probe(std::string_view out, bool systemd);

}  // namespace forja
