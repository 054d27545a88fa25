#pragma once

#include <string>
#include <string_view>

namespace forja {

// What the service probe saw.
struct ServiceStatus {
  bool exists = false;       // the unit (or init script) is installed
  bool active = false;       // running, and staying so
  bool masked = false;       // systemctl mask: can be neither started nor enabled
  bool need_reload = false;  // a unit file changed on disk since systemd read it
  std::string enabled;       // "enabled", "enabled-runtime", "disabled", "static", "unknown", ...
  std::string trouble;       // why it is not running although systemd tries ("crash-looping: ...")
};

// Parse the service probe's output (systemd: `systemctl show` lines; other: "key=N" lines).
[[nodiscard]] ServiceStatus parse_service_probe(std::string_view out, bool systemd);

}  // namespace forja
