// firewall: what firewalld opens in one zone (ports, services, rich rules, protocols, source
// ports), converged at runtime AND permanently (so a reload or reboot cannot bring back what
// was closed, nor lose what was opened). Only adds by default (as Ansible's firewalld module);
// with exclusive: true, whatever opens the zone and is not declared is closed: "open exactly
// what is needed". ssh then stays open unless keep_ssh is false, so forja cannot lock itself out.
// Ports compare as sets: 8005/tcp is open when 8000-8010/tcp is, however firewalld splits or joins
// its ranges.
#include "resources/firewall.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "resources/resource.hpp"
#include "util/text.hpp"
#include "util/yaml.hpp"

namespace forja {

namespace {

// $1 = zone. firewalld's D-Bus API through busctl (systemd's, ~15 ms a call): the zone's
// whole settings in one call per layer (JSON), or one call per property on a firewalld older
// than 1.0. Without busctl, firewall-cmd (a Python start-up per call, ~0.2 s each).
constexpr const char* k_probe = R"SH(z=$1
if ! command -v firewall-cmd >/dev/null 2>&1; then echo @@absent; exit 0; fi
bus=org.fedoraproject.FirewallD1 obj=/org/fedoraproject/FirewallD1
if command -v busctl >/dev/null 2>&1 && zones=$(busctl call $bus $obj $bus.zone getZones 2>/dev/null); then
  echo "zones: $zones"
  path=$(busctl call $bus $obj/config $bus.config getZoneByName s "$z" 2>/dev/null | cut -d' ' -f2 | tr -d '"')
  if rs=$(busctl --json=short call $bus $obj $bus.zone getZoneSettings2 s "$z" 2>/dev/null); then
    echo @@runtime
    echo "settings: $rs"
    echo @@permanent
    if [ -n "$path" ]; then echo "settings: $(busctl --json=short call $bus "$path" $bus.config.zone getSettings2 2>/dev/null)"; fi
    exit 0
  fi
  echo @@runtime
  for m in getPorts getServices getRichRules getProtocols getSourcePorts; do
    echo "$m: $(busctl call $bus $obj $bus.zone $m s "$z" 2>/dev/null)"
  done
  echo @@permanent
  if [ -n "$path" ]; then
    for m in getPorts getServices getRichRules getProtocols getSourcePorts; do
      echo "$m: $(busctl call $bus "$path" $bus.config.zone $m 2>/dev/null)"
    done
  fi
  exit 0
fi
if ! firewall-cmd --state >/dev/null 2>&1; then echo @@not-running; exit 0; fi
echo "zones: $(firewall-cmd --get-zones 2>/dev/null)"
echo @@runtime
firewall-cmd --zone="$z" --list-all 2>/dev/null
echo @@permanent
firewall-cmd --permanent --zone="$z" --list-all 2>/dev/null
exit 0)SH";

// The quoted strings of a busctl reply, unescaped: 'aas 1 2 "5000" "tcp"' -> {"5000", "tcp"}.
std::vector<std::string> bus_strings(const std::string& reply) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < reply.size(); ++i) {
    if (reply[i] != '"') continue;
    std::string s;
    for (++i; i < reply.size() && reply[i] != '"'; ++i) {
      if (reply[i] == '\\' && i + 1 < reply.size()) ++i;
      s += reply[i];
    }
    out.push_back(std::move(s));
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

// "8000-8010/tcp" -> {8000, 8010, "tcp"}.
struct PortRange {
  long lo = 0, hi = 0;
  std::string proto;
};

std::optional<PortRange> parse_port(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  PortRange r;
  r.proto = text.substr(slash + 1);
  auto nums = text.substr(0, slash);
  auto dash = nums.find('-');
  auto a = nums.substr(0, dash), b = dash == std::string::npos ? a : nums.substr(dash + 1);
  auto p1 = std::from_chars(a.data(), a.data() + a.size(), r.lo);
  auto p2 = std::from_chars(b.data(), b.data() + b.size(), r.hi);
  if (p1.ec != std::errc() || p1.ptr != a.data() + a.size() || p2.ec != std::errc() ||
      p2.ptr != b.data() + b.size() || r.lo < 1 || r.hi > 65535 || r.lo > r.hi) {
    return std::nullopt;
  }
  return r;
}

// Ports per protocol as merged intervals.
class PortSet {
 public:
  explicit PortSet(const std::vector<std::string>& entries) {
    for (const auto& e : entries)
      if (auto r = parse_port(e)) m_ranges[r->proto].push_back({r->lo, r->hi});
    for (auto& [proto, v] : m_ranges) {
      std::sort(v.begin(), v.end());
      std::vector<std::pair<long, long>> merged;
      for (const auto& iv : v) {
        if (!merged.empty() && iv.first <= merged.back().second + 1) {
          merged.back().second = std::max(merged.back().second, iv.second);
        } else {
          merged.push_back(iv);
        }
      }
      v = merged;
    }
  }
  // Every port of `entry` is in the set.
  [[nodiscard]] bool covers(const std::string& entry) const {
    auto r = parse_port(entry);
    if (!r) return false;
    auto it = m_ranges.find(r->proto);
    if (it == m_ranges.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](auto& iv) { return iv.first <= r->lo && r->hi <= iv.second; });
  }

 private:
  std::map<std::string, std::vector<std::pair<long, long>>> m_ranges;
};

// firewalld prints rich rules with every attribute value quoted: quote the declared ones the
// same way so that the texts compare (rule family=ipv4 -> rule family="ipv4").
std::string normalize_rich_rule(const std::string& rule) {
  std::string out;
  for (const auto& w : words(rule)) {
    auto eq = w.find('=');
    std::string word = w;
    if (eq != std::string::npos && eq + 1 < w.size() && w[eq + 1] != '"') {
      word = w.substr(0, eq + 1) + "\"" + w.substr(eq + 1) + "\"";
    }
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

struct Desired {
  std::vector<std::string> ports, services, rich_rules, protocols, source_ports;
};

class Firewall final : public Resource {
 public:
  Firewall(std::string zone, Desired desired, bool exclusive, bool keep_ssh)
      : m_zone(std::move(zone)), m_want(std::move(desired)), m_exclusive(exclusive),
        m_keep_ssh(keep_ssh) {
    if (m_exclusive && m_keep_ssh && !contains(m_want.services, "ssh")) m_want.services.push_back("ssh");
  }

  std::vector<Probe> probes(const Platform&) const override {
    return {Probe{{"sh", "-c", k_probe, "forja-firewall", m_zone}}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    auto s = parse_firewall_probe(outputs.at(0).out);
    Change change;
    if (!s.installed || !s.running) {
      // What is open by default is only known once firewalld runs: unknown, not a promise.
      change.kind = ChangeKind::unknown;
      change.summary =
          "open " + describe_desired() + " in zone " + m_zone +
          (m_exclusive ? " and close whatever else it opens (known once firewalld runs)" : "") +
          " (firewalld " + (s.installed ? "not running yet)" : "not installed yet)");
      change.commands.push_back(Command{{"firewall-cmd", "--state"}, "", Privilege::become});
      return change;
    }
    if (!contains(s.zones, m_zone)) {
      return fail("firewalld has no zone '" + m_zone + "' (zones: " + join(s.zones, " ") + ")");
    }
    // What one layer needs; its commands go to `change`, its description is returned.
    auto layer = [&](const FirewallLayer& have, bool permanent) -> std::string {
      std::vector<std::string> add, remove, opened, closed;
      PortSet have_ports(have.ports), want_ports(m_want.ports);
      for (const auto& p : m_want.ports)
        if (!have_ports.covers(p)) { add.push_back("--add-port=" + p); opened.push_back(p); }
      auto plain = [&](const std::vector<std::string>& want, const std::vector<std::string>& got,
                       const char* flag) {
        // Rich rules have blanks: shown in brackets.
        auto shown = [&](const std::string& x) { return std::string(flag) == "rich-rule" ? "[" + x + "]" : x; };
        for (const auto& x : want)
          if (!contains(got, x)) { add.push_back(std::string("--add-") + flag + "=" + x); opened.push_back(shown(x)); }
        if (!m_exclusive) return;
        for (const auto& x : got)
          if (!contains(want, x)) { remove.push_back(std::string("--remove-") + flag + "=" + x); closed.push_back(shown(x)); }
      };
      if (m_exclusive) {
        for (const auto& p : have.ports)
          if (!want_ports.covers(p)) { remove.push_back("--remove-port=" + p); closed.push_back(p); }
      }
      plain(m_want.services, have.services, "service");
      plain(m_want.rich_rules, have.rich_rules, "rich-rule");
      plain(m_want.protocols, have.protocols, "protocol");
      plain(m_want.source_ports, have.source_ports, "source-port");
      std::string d;
      if (!opened.empty()) d += "open " + join(opened, " ");
      if (!closed.empty()) d += std::string(d.empty() ? "" : "; ") + "close " + join(closed, " ");
      // firewall-cmd takes one kind of --add-X / --remove-X per call. Closing goes first:
      // removing a range after adding one inside it would take the new one away again.
      for (const auto* args : {&remove, &add}) {
        std::vector<std::string> kinds;
        for (const auto& a : *args) {
          auto kind = a.substr(0, a.find('='));
          if (!contains(kinds, kind)) kinds.push_back(kind);
        }
        for (const auto& kind : kinds) {
          std::vector<std::string> argv = {"firewall-cmd"};
          if (permanent) argv.push_back("--permanent");
          argv.push_back("--zone=" + m_zone);
          for (const auto& a : *args)
            if (a.substr(0, a.find('=')) == kind) argv.push_back(a);
          change.commands.push_back(Command{argv, "", Privilege::become});
        }
      }
      return d;
    };
    auto rt = layer(s.runtime, false);
    auto pm = layer(s.permanent, true);
    if (change.commands.empty()) {
      // Without exclusive, what else is open may differ between the layers: say so.
      if (same(s.runtime, s.permanent)) {
        change.summary =
            "zone " + m_zone + " open: " + describe(s.runtime) + " (runtime = permanent)";
      } else {
        change.summary = "zone " + m_zone + " open: " + describe(s.runtime) + " (runtime); " +
                         describe(s.permanent) + " (permanent)";
      }
      return change;
    }
    change.kind = ChangeKind::change;
    if (rt == pm) {
      change.summary = rt + " (runtime+permanent)";
    } else {
      std::vector<std::string> parts;
      if (!rt.empty()) parts.push_back(rt + " (runtime)");
      if (!pm.empty()) parts.push_back(pm + " (permanent)");
      change.summary = join(parts, "; ");
    }
    return change;
  }

  std::vector<std::string> manages() const override { return {"firewalld zone " + m_zone}; }

 private:
  std::string describe_desired() const {
    std::vector<std::string> all = m_want.ports;
    all.insert(all.end(), m_want.services.begin(), m_want.services.end());
    for (const auto& r : m_want.rich_rules) all.push_back("[" + r + "]");
    all.insert(all.end(), m_want.protocols.begin(), m_want.protocols.end());
    all.insert(all.end(), m_want.source_ports.begin(), m_want.source_ports.end());
    return join(all, " ");
  }
  static bool same(const FirewallLayer& a, const FirewallLayer& b) {
    auto sorted = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    return sorted(a.ports) == sorted(b.ports) && sorted(a.services) == sorted(b.services) &&
           sorted(a.rich_rules) == sorted(b.rich_rules) &&
           sorted(a.protocols) == sorted(b.protocols) &&
           sorted(a.source_ports) == sorted(b.source_ports);
  }
  static std::string describe(const FirewallLayer& l) {
    std::vector<std::string> all = l.ports;
    all.insert(all.end(), l.services.begin(), l.services.end());
    for (const auto& r : l.rich_rules) all.push_back("[" + r + "]");
    all.insert(all.end(), l.protocols.begin(), l.protocols.end());
    all.insert(all.end(), l.source_ports.begin(), l.source_ports.end());
    return join(all, " ");
  }

  std::string m_zone;
  Desired m_want;
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

bool valid_word(const std::string& s) {
  return !s.empty() && s[0] != '-' && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// firewalld's zone settings as busctl --json=short prints them:
// {"type":"a{sv}","data":[{"ports":{"type":"a(ss)","data":[["5000","tcp"]]},...}]}.
void read_settings(const std::string& json, FirewallLayer& layer) {
  YAML::Node root;
  try {
    root = YAML::Load(json);
  } catch (const YAML::Exception&) {
    return;
  }
  const auto data = lookup(root, "data");
  if (!data.IsSequence() || data.size() == 0 || !data[0].IsMap()) return;
  const auto settings = data[0];
  auto strings = [&](const char* key, std::vector<std::string>& into) {
    const auto v = lookup(lookup(settings, key), "data");
    if (!v.IsSequence()) return;
    for (const auto& item : v)
      if (item.IsScalar()) into.push_back(item.Scalar());
  };
  auto pairs = [&](const char* key, std::vector<std::string>& into) {
    const auto v = lookup(lookup(settings, key), "data");
    if (!v.IsSequence()) return;
    for (const auto& item : v)
      if (item.IsSequence() && item.size() == 2 && item[0].IsScalar() && item[1].IsScalar())
        into.push_back(item[0].Scalar() + "/" + item[1].Scalar());
  };
  pairs("ports", layer.ports);
  pairs("source_ports", layer.source_ports);
  strings("services", layer.services);
  strings("rules_str", layer.rich_rules);
  strings("protocols", layer.protocols);
}

}  // namespace

FirewallStatus parse_firewall_probe(std::string_view out) {
  FirewallStatus s;
  s.installed = out.find("@@absent") == std::string_view::npos;
  s.running = s.installed && out.find("@@not-running") == std::string_view::npos &&
              out.find("@@runtime") != std::string_view::npos;
  enum { none, runtime, permanent } section = none;
  bool in_rich = false;
  for (const auto& raw : split_lines(out)) {
    auto line = trim(raw);
    if (line == "@@runtime") { section = runtime; in_rich = false; continue; }
    if (line == "@@permanent") { section = permanent; in_rich = false; continue; }
    if (starts_with(line, "zones:")) {
      auto rest = line.substr(6);
      s.zones = rest.find('"') != std::string::npos ? bus_strings(rest) : words(rest);
      continue;
    }
    if (section == none) continue;
    auto& layer = section == runtime ? s.runtime : s.permanent;
    if (in_rich && starts_with(line, "rule ")) {
      layer.rich_rules.push_back(line);
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto key = line.substr(0, colon);
    auto value = line.substr(colon + 1);
    in_rich = key == "rich rules";
    if (key == "ports") layer.ports = words(value);
    if (key == "services") layer.services = words(value);
    if (key == "protocols") layer.protocols = words(value);
    if (key == "source-ports") layer.source_ports = words(value);
    auto pairs = [&](std::vector<std::string>& into) {
      auto strings = bus_strings(value);
      into.clear();
      for (std::size_t i = 0; i + 1 < strings.size(); i += 2) into.push_back(strings[i] + "/" + strings[i + 1]);
    };
    if (key == "settings") read_settings(value, layer);
    if (key == "getPorts") pairs(layer.ports);
    if (key == "getSourcePorts") pairs(layer.source_ports);
    if (key == "getServices") layer.services = bus_strings(value);
    if (key == "getRichRules") layer.rich_rules = bus_strings(value);
    if (key == "getProtocols") layer.protocols = bus_strings(value);
  }
  return s;
}

ResourceType firewall_type() {
  return {"firewall",
          "firewalld: what is open in a zone (the state's name), runtime and permanent. "
          "Only opens by default; with exclusive: true anything else (ports, services, rich "
          "rules, protocols, source ports) is closed, ssh kept.",
          {{"zone", ArgKind::string, false, "zone (default: the state's name, e.g. public)"},
           {"ports", ArgKind::string_list, false, "ports like 5000/tcp or 8000-8010/tcp (list, or one string)"},
           {"services", ArgKind::string_list, false, "firewalld services like http"},
           {"rich_rules", ArgKind::string_list, false,
            "rich rules, as firewall-cmd --list-rich-rules prints them (values are quoted for you)"},
           {"protocols", ArgKind::string_list, false, "protocols like icmp or gre"},
           {"source_ports", ArgKind::string_list, false, "source ports like 68/udp"},
           {"exclusive", ArgKind::boolean, false, "close what is not declared (default false)"},
           {"keep_ssh", ArgKind::boolean, false, "never close ssh when exclusive (default true)"}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            Desired want;
            want.ports = flatten(a.list("ports"));
            want.source_ports = flatten(a.list("source_ports"));
            for (const auto* list : {&want.ports, &want.source_ports}) {
              for (const auto& p : *list) {
                auto r = parse_port(p);
                if (!r || (r->proto != "tcp" && r->proto != "udp" && r->proto != "sctp" && r->proto != "dccp")) {
                  return std::unexpected(a.error(list == &want.ports ? "ports" : "source_ports",
                                                 "port '" + p + "' must look like 5000/tcp or 8000-8010/tcp"));
                }
              }
            }
            want.services = flatten(a.list("services"));
            want.protocols = flatten(a.list("protocols"));
            for (const auto& w : want.services)
              if (!valid_word(w)) return std::unexpected(a.error("services", "'" + w + "' is not a firewalld service name"));
            for (const auto& w : want.protocols)
              if (!valid_word(w)) return std::unexpected(a.error("protocols", "'" + w + "' is not a protocol name"));
            for (const auto& r : a.list("rich_rules")) {
              auto rule = normalize_rich_rule(r);
              if (!starts_with(rule, "rule ")) {
                return std::unexpected(a.error("rich_rules", "a rich rule starts with 'rule ': " + r));
              }
              want.rich_rules.push_back(rule);
            }
            auto zone = a.str("zone", a.name());
            if (!valid_word(zone)) return std::unexpected(a.error("zone", "'" + zone + "' is not a zone name"));
            return std::make_unique<Firewall>(zone, want, a.boolean("exclusive", false),
                                              a.boolean("keep_ssh", true));
          }};
}

}  // namespace forja
