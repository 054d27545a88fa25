// service: running/stopped, enabled/disabled, or a restart/reload action (handlers); systemd,
// with a plain `service`/init-script fallback for hosts without systemd.
#include "resources/service.hpp"

#include <map>

#include "resources/resource.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

// $1 = unit, $2 = "settle" when reading it back after a change. Running means active and
// staying active: a unit still starting is watched for up to 3 s, and after a change one that
// became active less than 2 s ago is read again a second later; if it restarted or left the
// active state meanwhile, "stable=no" says so (a crash loop is not running).
constexpr const char* k_systemd_probe = R"SH(u=$1
props=LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,NRestarts,ExecMainStatus,Result,ActiveEnterTimestampMonotonic
show() {
  out=$(systemctl show --property=$props -- "$u" 2>/dev/null)
  state= sub= enter=0 restarts=
  while IFS='=' read -r k v; do
    case $k in ActiveState) state=$v ;; SubState) sub=$v ;; ActiveEnterTimestampMonotonic) enter=$v ;; NRestarts) restarts=$v ;; esac
  done <<EOF
$out
EOF
}
show
n=0
while [ "$state" = activating ] && [ "$sub" != auto-restart ] && [ $n -lt 10 ]; do
  sleep 0.3; show; n=$((n + 1))
done
if [ "$state" = active ] && [ "$2" = settle ]; then
  read -r up rest < /proc/uptime
  if [ $((${up%.*} - ${enter:-0} / 1000000)) -lt 2 ]; then
    before=$restarts; sleep 1; show
    if [ "$restarts" != "$before" ] || [ "$state" != active ]; then echo stable=no; fi
  fi
fi
printf '%s\n' "$out"
exit 0)SH";

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

// Unit file states that mean "starts at boot" without `systemctl enable` being possible or needed.
bool enabled_by_other_means(const std::string& state) {
  return state == "static" || state == "alias" || state == "indirect" || state == "generated";
}

class Service final : public Resource {
 public:
  Service(std::string name, std::string state, std::string enabled, std::string action)
      : m_name(std::move(name)), m_state(std::move(state)), m_enabled(std::move(enabled)),
        m_action(std::move(action)) {}

  std::vector<Probe> probes(const Platform& p) const override { return probe(p, ""); }
  std::vector<Probe> probes_after_change(const Platform& p) const override { return probe(p, "settle"); }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform& p) const override {
    bool systemd = p.init_system == "systemd";
    auto s = parse_service_probe(outputs.at(0).out, systemd);
    if (!m_action.empty()) return plan_action(s, systemd);
    Change change;
    std::vector<std::string> what;
    bool wants_it = m_state == "running" || m_enabled == "true";
    if (s.masked && wants_it) {
      return fail(m_name + " is masked: it can be neither started nor enabled (systemctl unmask " +
                  m_name + " first)");
    }
    if (s.need_reload) {
      what.push_back("daemon-reload (a unit file changed on disk)");
      change.commands.push_back(Command{{"systemctl", "daemon-reload"}, "", Privilege::become});
    }
    if (m_state == "running" && !s.active) {
      if (!s.trouble.empty()) {
        what.push_back("restart (" + s.trouble + ")");
        change.commands.push_back(ctl(systemd, "restart"));
      } else {
        what.push_back("start");
        change.commands.push_back(ctl(systemd, "start"));
      }
      change.refreshes.push_back("service " + m_name);
    } else if (m_state == "stopped" && (s.active || !s.trouble.empty())) {
      what.push_back("stop");
      change.commands.push_back(ctl(systemd, "stop"));
    }
    std::string note;
    if (!m_enabled.empty()) {
      bool want = m_enabled == "true";
      if (s.enabled == "unknown" && !systemd) {
        note = "enabled state unknown on this init system (left as is)";
      } else if (want && s.enabled == "enabled-runtime") {
        what.push_back("enable (enabled only until the next boot)");
        change.commands.push_back(enable_command(systemd, true));
      } else if (!want && s.enabled == "enabled-runtime") {
        what.push_back("disable the runtime enablement");
        change.commands.push_back(Command{{"systemctl", "disable", "--runtime", "--", m_name}, "", Privilege::become});
      } else if (want && s.enabled != "enabled" && !enabled_by_other_means(s.enabled)) {
        what.push_back("enable");
        change.commands.push_back(enable_command(systemd, true));
      } else if (!want && s.enabled == "enabled") {
        what.push_back("disable");
        change.commands.push_back(enable_command(systemd, false));
      }
    }
    if (what.empty()) {
      change.summary = std::string(s.active ? "running" : "stopped") + ", " +
                       (s.enabled.empty() ? "enabled state n/a" : s.enabled) +
                       (note.empty() ? "" : "; " + note);
      return change;
    }
    // Not installed yet: what it will need depends on what installing it does (Debian's
    // packages start and enable their services), so the plan cannot promise a change.
    change.kind = s.exists ? ChangeKind::change : ChangeKind::unknown;
    change.summary = join(what) + " " + m_name +
                     (s.exists ? "" : " if needed once installed (unit not found yet)");
    return change;
  }

  bool converges() const override { return m_action.empty(); }

  std::string refreshes() const override { return m_action.empty() ? "" : "service " + m_name; }

  std::vector<std::string> manages() const override {
    if (!m_action.empty()) return {};
    return {"service " + m_name};
  }

 private:
  // A handler refreshes a service that runs (or that systemd keeps trying to run); it never
  // starts a stopped one, so a service declared stopped stays stopped.
  Result<Change> plan_action(const ServiceStatus& s, bool systemd) const {
    Change change;
    if (s.masked) return fail(m_name + " is masked: cannot " + m_action + " it");
    if (!s.active && s.trouble.find("restarted") == std::string::npos) {
      change.summary = m_name + " is not running: not " + m_action +
                       "ed (a handler never starts a stopped service; declare state: running)";
      return change;
    }
    change.kind = ChangeKind::change;
    if (systemd && s.need_reload) {
      change.commands.push_back(Command{{"systemctl", "daemon-reload"}, "", Privilege::become});
    }
    change.summary = m_action + " " + m_name;
    change.commands.push_back(ctl(systemd, m_action == "reload" ? "reload" : "restart"));
    return change;
  }

  std::vector<Probe> probe(const Platform& p, const char* when) const {
    if (p.init_system == "systemd") return {Probe{{"sh", "-c", k_systemd_probe, "forja-service", m_name, when}}};
    return {Probe{{"sh", "-c", k_plain_probe, "forja-service", m_name}}};
  }

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
};

}  // namespace

ServiceStatus parse_service_probe(std::string_view out, bool systemd) {
  ServiceStatus s;
  std::map<std::string, std::string> v;
  for (const auto& line : split_lines(out)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    v[line.substr(0, eq)] = trim(line.substr(eq + 1));
  }
  if (!systemd) {
    s.exists = v["exists"] == "1";
    s.active = v["active"] == "1";
    s.enabled = v["enabled"];
    return s;
  }
  const auto& load = v["LoadState"];
  const auto& active = v["ActiveState"];
  s.masked = load == "masked" || v["UnitFileState"] == "masked" || v["UnitFileState"] == "masked-runtime";
  s.exists = load == "loaded" || s.masked;
  s.need_reload = v["NeedDaemonReload"] == "yes";
  s.enabled = v["UnitFileState"].empty() ? (s.exists ? "static" : "not-found") : v["UnitFileState"];
  bool stable = v["stable"] != "no";
  s.active = (active == "active" || active == "reloading") && stable;
  std::string restarts = v["NRestarts"].empty() || v["NRestarts"] == "0" ? "" : v["NRestarts"];
  std::string status = v["ExecMainStatus"].empty() || v["ExecMainStatus"] == "0" ? "" : v["ExecMainStatus"];
  if ((active == "activating" && v["SubState"] == "auto-restart") || !stable) {
    s.trouble = "crash-looping: restarted " + (restarts.empty() ? std::string("repeatedly") : restarts + " times") +
                (status.empty() ? "" : ", last exit status " + status);
  } else if (active == "failed") {
    s.trouble = "failed" + (status.empty() ? std::string() : " with exit status " + status) +
                (v["Result"].empty() || v["Result"] == "success" ? "" : " (" + v["Result"] + ")");
  } else if (active == "activating") {
    s.trouble = "still starting after 3 s";
  }
  return s;
}

ResourceType service_type() {
  return {"service",
          "A service running or stopped, enabled or not (systemd; `service`/init scripts "
          "without it). With `action: restart|reload` it is an action for handlers, which "
          "refreshes a running service and never starts a stopped one.",
          {{"state", ArgKind::string, false, "running (active, and staying active) or stopped",
            {"running", "stopped"}},
           {"enabled", ArgKind::boolean, false, "start at boot (a runtime-only enablement does not count)"},
           {"action", ArgKind::string, false, "restart or reload (handlers)", {"restart", "reload"}},
           {"daemon_reload", ArgKind::boolean, false,
            "accepted for compatibility: forja runs systemctl daemon-reload whenever systemd "
            "says a unit file changed on disk"}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            if (!a.has("state") && !a.has("enabled") && !a.has("action")) {
              return std::unexpected(a.error(a.type(), "say what you want: state, enabled or action"));
            }
            if (a.has("action") && (a.has("state") || a.has("enabled"))) {
              return std::unexpected(a.error("action", "an action (for handlers) goes without state/enabled"));
            }
            if (a.name().empty() || a.name()[0] == '-') {
              return std::unexpected(a.error(a.type(), "'" + a.name() + "' is not a service name"));
            }
            return std::make_unique<Service>(a.name(), a.str("state"),
                                             a.has("enabled") ? a.str("enabled") : "",
                                             a.str("action"));
          }};
}

}  // namespace forja
