// service: running/stopped, enabled/disabled, or a restart/reload action (handlers); systemd,
// with a plain `service`/init-script fallback for hosts without systemd.
#include "resources/service.hpp"

#include "resources/resource.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

// $1 = service. Without systemd: running from `service X status`, enabled from rc links.
constexpr const char* k_plain_probe = R"SH(s=$1
if [ -x "/etc/init.d/$s" ] || command -v service >/dev/null 2>&1 && service "$s" status >/dev/null 2>&1; then echo exists=1; else echo exists=0; fi
if service "$s" status >/dev/null 2>&1 || "/etc/init.d/$s" status >/dev/null 2>&1; then echo active=1; else echo active=0; fi
if command -v chkconfig >/dev/null 2>&1; then
  if chkconfig "$s" 2>/dev/null; then echo enabled=enabled; else echo enabled=disabled; fi
elif ls /etc/rc[2345].d/S*"$s" >/dev/null 2>&1; then echo enabled=enabled
elif [ -d /etc/rc2.d ]; then echo enabled=disabled
else echo enabled=unknown; fi
exit 0)SH";

class Service final : public Resource {
 public:
  Service(std::string name, std::string state, std::string enabled, std::string action,
          bool daemon_reload)
      : m_name(std::move(name)), m_state(std::move(state)), m_enabled(std::move(enabled)),
        m_action(std::move(action)), m_daemon_reload(daemon_reload) {}

  std::vector<Probe> probes(const Platform& p) const override {
    if (p.init_system == "systemd") {
      return {Probe{{"systemctl", "show", "--property=LoadState,ActiveState,UnitFileState",
                     "--", m_name}}};
    }
    return {Probe{{"sh", "-c", k_plain_probe, "forja-service", m_name}}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform& p) const override {
    bool systemd = p.init_system == "systemd";
    auto s = parse_service_probe(outputs.at(0).out, systemd);
    Change change;
    std::vector<std::string> what;
    if (systemd && m_daemon_reload) {
      change.commands.push_back(Command{{"systemctl", "daemon-reload"}, "", Privilege::become});
    }
    if (!m_action.empty()) {
      change.kind = ChangeKind::change;
      change.summary = m_action + " " + m_name;
      change.commands.push_back(ctl(systemd, m_action == "reload" ? "reload" : "restart"));
      return change;
    }
    if (!m_state.empty()) {
      bool want_running = m_state == "running";
      if (want_running != s.active) {
        what.push_back(want_running ? "start" : "stop");
        change.commands.push_back(ctl(systemd, want_running ? "start" : "stop"));
      }
    }
    if (!m_enabled.empty()) {
      bool want_enabled = m_enabled == "true";
      bool is_enabled = s.enabled == "enabled" || s.enabled == "enabled-runtime" ||
                        s.enabled == "static" || s.enabled == "alias" || s.enabled == "indirect" ||
                        s.enabled == "generated";
      if (s.enabled == "unknown" && !systemd) {
        what.push_back("enabled state unknown on this init system (left as is)");
      } else if (want_enabled != is_enabled && !(s.enabled == "static" && !want_enabled)) {
        what.push_back(want_enabled ? "enable" : "disable");
        change.commands.push_back(enable_command(systemd, want_enabled));
      }
    }
    bool acts = std::any_of(what.begin(), what.end(), [](auto& w) { return w.find("unknown") == std::string::npos; });
    if (!acts) {
      change.commands.clear();
      change.summary = std::string(s.active ? "running" : "stopped") + ", " +
                       (s.enabled.empty() ? "enabled state n/a" : s.enabled);
      if (!what.empty()) change.summary += "; " + what.front();
      return change;
    }
    std::string joined;
    for (const auto& w : what) joined += (joined.empty() ? "" : ", ") + w;
    // Not installed yet: what it will need depends on what installing it does (Debian's
    // packages start and enable their services), so the plan cannot promise a change.
    change.kind = s.exists ? ChangeKind::change : ChangeKind::unknown;
    change.summary = joined + " " + m_name + (s.exists ? "" : " if needed once installed (unit not found yet)");
    return change;
  }

  bool converges() const override { return m_action.empty(); }

 private:
  Command ctl(bool systemd, const std::string& verb) const {
    if (systemd) return Command{{"systemctl", verb, "--", m_name}, "", Privilege::become};
    return Command{{"service", m_name, verb}, "", Privilege::become};
  }

  Command enable_command(bool systemd, bool enable) const {
    if (systemd) {
      return Command{{"systemctl", enable ? "enable" : "disable", "--", m_name}, "", Privilege::become};
    }
    // chkconfig on CentOS 6, update-rc.d on Debian without systemd.
    return Command{{"sh", "-c",
                    "if command -v chkconfig >/dev/null; then chkconfig \"$1\" \"$2\"; "
                    "else update-rc.d \"$1\" \"$3\"; fi",
                    "forja-enable", m_name, enable ? "on" : "off", enable ? "enable" : "disable"},
                   "",
                   Privilege::become};
  }

  std::string m_name, m_state, m_enabled, m_action;
  bool m_daemon_reload;
};

}  // namespace

ServiceStatus parse_service_probe(std::string_view out, bool systemd) {
  ServiceStatus s;
  for (const auto& line : split_lines(out)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto key = line.substr(0, eq), value = trim(line.substr(eq + 1));
    if (systemd) {
      if (key == "LoadState") s.exists = value == "loaded";
      if (key == "ActiveState") s.active = value == "active" || value == "reloading" || value == "activating";
      if (key == "UnitFileState") s.enabled = value.empty() ? (s.exists ? "static" : "not-found") : value;
    } else {
      if (key == "exists") s.exists = value == "1";
      if (key == "active") s.active = value == "1";
      if (key == "enabled") s.enabled = value;
    }
  }
  return s;
}

ResourceType service_type() {
  return {"service",
          "A service running or stopped, enabled or not (systemd; `service`/init scripts "
          "without it). With `action: restart|reload` it is an action for handlers.",
          {{"state", ArgKind::string, false, "running or stopped", {"running", "stopped"}},
           {"enabled", ArgKind::boolean, false, "start at boot"},
           {"action", ArgKind::string, false, "restart or reload (handlers)", {"restart", "reload"}},
           {"daemon_reload", ArgKind::boolean, false, "systemctl daemon-reload first (unit files changed)"}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            if (!a.has("state") && !a.has("enabled") && !a.has("action")) {
              return std::unexpected(a.error(a.type(), "say what you want: state, enabled or action"));
            }
            return std::make_unique<Service>(a.name(), a.str("state"),
                                             a.has("enabled") ? a.str("enabled") : "",
                                             a.str("action"), a.boolean("daemon_reload", false));
          }};
}

}  // namespace forja
