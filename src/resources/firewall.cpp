// firewall: firewalld ports and services of one zone, converged at runtime AND permanently
// (so a reload or reboot cannot bring back what was closed, nor lose what was opened).
// With exclusive (default), ports and services not declared are closed: "open exactly what is
// needed". ssh stays open unless keep_ssh is false, so forja cannot lock itself out.
// When firewalld is not running the plan says so; the state should require service[firewalld].
#include "resources/firewall.hpp"

#include <algorithm>

#include "resources/resource.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

// $1 = zone. firewalld's D-Bus API through busctl (systemd's, ~40 ms for everything) when it
// answers; otherwise firewall-cmd (a Python start-up per call, ~0.2 s each).
constexpr const char* k_probe = R"SH(if ! command -v firewall-cmd >/dev/null 2>&1; then echo @@absent; exit 0; fi
bus=org.fedoraproject.FirewallD1
if command -v busctl >/dev/null 2>&1 && rp=$(busctl call $bus /org/fedoraproject/FirewallD1 $bus.zone getPorts s "$1" 2>/dev/null); then
  echo @@runtime
  echo "busports: $rp"
  echo "busservices: $(busctl call $bus /org/fedoraproject/FirewallD1 $bus.zone getServices s "$1" 2>/dev/null)"
  path=$(busctl call $bus /org/fedoraproject/FirewallD1/config $bus.config getZoneByName s "$1" 2>/dev/null | cut -d' ' -f2 | tr -d '"')
  echo @@permanent
  echo "busports: $(busctl call $bus "$path" $bus.config.zone getPorts 2>/dev/null)"
  echo "busservices: $(busctl call $bus "$path" $bus.config.zone getServices 2>/dev/null)"
  exit 0
fi
echo @@runtime
if ! firewall-cmd --zone="$1" --list-all 2>/dev/null; then echo @@not-running; exit 0; fi
echo @@permanent
firewall-cmd --permanent --zone="$1" --list-all 2>/dev/null
exit 0)SH";

// The quoted strings of a busctl reply: 'aas 1 2 "5000" "tcp"' -> {"5000", "tcp"}.
std::vector<std::string> bus_strings(const std::string& reply) {
  std::vector<std::string> out;
  for (std::size_t i = reply.find('"'); i != std::string::npos; i = reply.find('"', i + 1)) {
    auto end = reply.find('"', i + 1);
    if (end == std::string::npos) break;
    out.push_back(reply.substr(i + 1, end - i - 1));
    i = end;
  }
  return out;
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  for (auto w : split(s, ' '))
    if (!trim(w).empty()) out.push_back(trim(w));
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

class Firewall final : public Resource {
 public:
  Firewall(std::string zone, std::vector<std::string> ports, std::vector<std::string> services,
           bool exclusive, bool keep_ssh)
      : m_zone(std::move(zone)), m_ports(std::move(ports)), m_services(std::move(services)),
        m_exclusive(exclusive), m_keep_ssh(keep_ssh) {}

  std::vector<Probe> probes(const Platform&) const override {
    return {Probe{{"sh", "-c", k_probe, "forja-firewall", m_zone}}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    auto s = parse_firewall_probe(outputs.at(0).out);
    Change change;
    auto services = m_services;
    if (m_exclusive && m_keep_ssh && !contains(services, "ssh")) services.push_back("ssh");
    if (!s.installed || !s.running) {
      // What is open by default is only known once firewalld runs: unknown, not a promise.
      change.kind = ChangeKind::unknown;
      change.summary = std::string("open ") + join(m_ports, " ") + (m_ports.empty() ? "" : " ") +
                       join(services, " ") + " in zone " + m_zone + " (firewalld " +
                       (s.installed ? "not running yet)" : "not installed yet)");
      change.commands.push_back(Command{{"firewall-cmd", "--state"}, "", Privilege::become});
      return change;
    }
    // One argument list per layer: what to add and remove at runtime, and permanently.
    std::vector<std::string> summary;
    auto diff = [&](const std::vector<std::string>& have_ports,
                    const std::vector<std::string>& have_services, std::vector<std::string>& args,
                    std::vector<std::string>& opened, std::vector<std::string>& closed) {
      for (const auto& p : m_ports)
        if (!contains(have_ports, p)) { args.push_back("--add-port=" + p); opened.push_back(p); }
      for (const auto& sv : services)
        if (!contains(have_services, sv)) { args.push_back("--add-service=" + sv); opened.push_back(sv); }
      if (!m_exclusive) return;
      for (const auto& p : have_ports)
        if (!contains(m_ports, p)) { args.push_back("--remove-port=" + p); closed.push_back(p); }
      for (const auto& sv : have_services)
        if (!contains(services, sv)) { args.push_back("--remove-service=" + sv); closed.push_back(sv); }
    };
    std::vector<std::string> rt_args, rt_open, rt_close, pm_args, pm_open, pm_close;
    diff(s.runtime_ports, s.runtime_services, rt_args, rt_open, rt_close);
    diff(s.permanent_ports, s.permanent_services, pm_args, pm_open, pm_close);
    if (rt_args.empty() && pm_args.empty()) {
      change.summary = "zone " + m_zone + " open: " + join(s.runtime_ports, " ") +
                       (s.runtime_ports.empty() ? "" : " ") + join(s.runtime_services, " ") +
                       " (runtime = permanent)";
      return change;
    }
    auto describe = [&](const char* layer, const std::vector<std::string>& open,
                        const std::vector<std::string>& close) {
      std::string d;
      if (!open.empty()) d += "open " + join(open, " ");
      if (!close.empty()) d += std::string(d.empty() ? "" : "; ") + "close " + join(close, " ");
      if (!d.empty()) summary.push_back(d + " (" + layer + ")");
    };
    if (rt_open == pm_open && rt_close == pm_close) {
      describe("runtime+permanent", rt_open, rt_close);
    } else {
      describe("runtime", rt_open, rt_close);
      describe("permanent", pm_open, pm_close);
    }
    change.kind = ChangeKind::change;
    for (const auto& x : summary) change.summary += (change.summary.empty() ? "" : "; ") + x;
    // firewall-cmd refuses --add-* and --remove-* in one call: one call for each, per layer.
    auto emit = [&](const std::vector<std::string>& args, bool permanent) {
      for (const char* kind : {"--add-", "--remove-"}) {
        std::vector<std::string> argv = {"firewall-cmd"};
        if (permanent) argv.push_back("--permanent");
        argv.push_back("--zone=" + m_zone);
        for (const auto& a : args)
          if (starts_with(a, kind)) argv.push_back(a);
        if (argv.size() > (permanent ? 3u : 2u)) change.commands.push_back(Command{argv, "", Privilege::become});
      }
    };
    emit(rt_args, false);
    emit(pm_args, true);
    return change;
  }

 private:
  std::string m_zone;
  std::vector<std::string> m_ports, m_services;
  bool m_exclusive, m_keep_ssh;
};

// Ports and services may come as lists, or as one templated string "5000/tcp 8080/tcp".
std::vector<std::string> flatten(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    auto cleaned = item;
    std::replace(cleaned.begin(), cleaned.end(), ',', ' ');
    for (const auto& w : words(cleaned))
      if (!contains(out, w)) out.push_back(w);
  }
  return out;
}

}  // namespace

FirewallStatus parse_firewall_probe(std::string_view out) {
  FirewallStatus s;
  s.installed = out.find("@@absent") == std::string_view::npos;
  s.running = s.installed && out.find("@@not-running") == std::string_view::npos &&
              out.find("@@runtime") != std::string_view::npos;
  enum { none, runtime, permanent } section = none;
  for (const auto& raw : split_lines(out)) {
    auto line = trim(raw);
    if (line == "@@runtime") { section = runtime; continue; }
    if (line == "@@permanent") { section = permanent; continue; }
    if (section == none) continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto key = line.substr(0, colon);
    auto values = words(line.substr(colon + 1));
    if (key == "ports") (section == runtime ? s.runtime_ports : s.permanent_ports) = values;
    if (key == "services") (section == runtime ? s.runtime_services : s.permanent_services) = values;
    if (key == "busports") {
      auto strings = bus_strings(line);
      std::vector<std::string> ports;
      for (std::size_t i = 0; i + 1 < strings.size(); i += 2) ports.push_back(strings[i] + "/" + strings[i + 1]);
      (section == runtime ? s.runtime_ports : s.permanent_ports) = ports;
    }
    if (key == "busservices") (section == runtime ? s.runtime_services : s.permanent_services) = bus_strings(line);
  }
  return s;
}

ResourceType firewall_type() {
  return {"firewall",
          "firewalld: the ports and services open in a zone (the state's name), runtime and "
          "permanent. Exclusive by default: anything else is closed (ssh is kept).",
          {{"zone", ArgKind::string, false, "zone (default: the state's name, e.g. public)"},
           {"ports", ArgKind::string_list, false, "ports like 5000/tcp (list, or one string)"},
           {"services", ArgKind::string_list, false, "firewalld services like http"},
           {"exclusive", ArgKind::boolean, false, "close what is not declared (default true)"},
           {"keep_ssh", ArgKind::boolean, false, "never close ssh when exclusive (default true)"}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            auto ports = flatten(a.list("ports"));
            for (const auto& p : ports) {
              auto slash = p.find('/');
              auto proto = slash == std::string::npos ? "" : p.substr(slash + 1);
              if (slash == std::string::npos || (proto != "tcp" && proto != "udp" && proto != "sctp")) {
                return std::unexpected(a.error("ports", "port '" + p + "' must look like 5000/tcp"));
              }
            }
            return std::make_unique<Firewall>(a.str("zone", a.name()), ports,
                                              flatten(a.list("services")),
                                              a.boolean("exclusive", true),
                                              a.boolean("keep_ssh", true));
          }};
}

}  // namespace forja
