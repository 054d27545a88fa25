// package: packages present, absent or at the latest version, through apt or dnf/yum.
#include "resources/package.hpp"

#include <algorithm>

#include "resources/package_rpm.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

// $1 = present, absent or latest; then the package names (NAME or NAME:ARCH). Prints one
// "binary|name|arch|status|version" line per known package; then, only when something must be
// looked up: the candidates (apt-cache policy), what installing the missing ones would bring
// along (@@install-sim), or what removing would take along (@@remove-sim). apt-get -s only
// simulates: it changes nothing.
constexpr const char* k_apt_probe = R"SH(want=$1; shift
out=$(dpkg-query -W -f='${binary:Package}|${Package}|${Architecture}|${db:Status-Abbrev}|${Version}\n' -- "$@" 2>/dev/null)
printf '%s\n' "$out"
missing= installed=
for p; do
  case $p in *:*) n=${p%%:*} a=${p#*:};; *) n=$p a=;; esac
  if printf '%s\n' "$out" | awk -F'|' -v n="$n" -v a="$a" '$2==n && (a=="" || $3==a) && substr($4,2,1)=="i" {f=1} END {exit !f}'; then
    installed="$installed $p"
  else
    missing="$missing $p"
  fi
done
if [ -n "$missing" ] || [ "$want" = latest ]; then
  echo '@@candidates'
  if [ -z "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v -e lock -e partial -e auxfiles)" ]; then echo '@@no-lists'; fi
  LC_ALL=C apt-cache policy -- "$@" 2>/dev/null
fi
if [ "$want" != absent ] && [ -n "$missing" ]; then
  echo '@@install-sim'
  LC_ALL=C apt-get -s -q install $missing 2>/dev/null | grep '^Inst '
fi
if [ "$want" = absent ] && [ -n "$installed" ]; then
  echo '@@remove-sim'
  LC_ALL=C apt-get -s -q remove $installed 2>/dev/null | grep '^Remv '
fi
exit 0)SH";

bool is_apt(const Platform& p) { return p.package_manager == "apt" || p.os_family == "debian"; }

std::string rpm_tool(const Platform& p) { return p.package_manager == "yum" ? "yum" : "dnf"; }

// Debian and rpm package names, optionally with an architecture: never an option.
bool valid_package_name(const std::string& name) {
  auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '.' || c == '-' || c == '_';
  };
  if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') ||
                        (name[0] >= '0' && name[0] <= '9'))) {
    return false;
  }
  auto colon = name.find(':');
  auto base = name.substr(0, colon);
  if (!std::all_of(base.begin(), base.end(), ok)) return false;
  if (colon == std::string::npos) return true;
  auto arch = name.substr(colon + 1);
  return !arch.empty() && std::all_of(arch.begin(), arch.end(), ok) && arch[0] != '-';
}

// "Inst haproxy (2.6.12-1 repo [amd64])" or "Inst libssl3 [3.0.1] (3.0.2 repo [amd64])".
struct SimulatedStep {
  std::string name, old_version, new_version;
};

std::vector<SimulatedStep> parse_simulation(const std::vector<std::string>& lines) {
  std::vector<SimulatedStep> out;
  for (const auto& line : lines) {
    auto words = split(line, ' ');
    if (words.size() < 2) continue;
    SimulatedStep step{words[1], "", ""};
    for (std::size_t i = 2; i < words.size(); ++i) {
      const auto& w = words[i];
      if (w.size() > 2 && w.front() == '[' && w.back() == ']' && step.new_version.empty()) {
        step.old_version = w.substr(1, w.size() - 2);
      } else if (w.size() > 1 && w.front() == '(') {
        step.new_version = w.substr(1);
        break;
      }
    }
    out.push_back(step);
  }
  return out;
}

std::string base_name(const std::string& name) { return name.substr(0, name.find(':')); }

class Package final : public Resource {
 public:
  Package(std::vector<std::string> names, std::string state)
      : m_names(std::move(names)), m_state(std::move(state)) {}

  std::vector<Probe> probes(const Platform& platform) const override {
    std::vector<std::string> argv =
        is_apt(platform)
            ? std::vector<std::string>{"sh", "-c", k_apt_probe, "forja-package", m_state}
            : std::vector<std::string>{
                  "sh", "-c", rpm_package_probe(), "forja-package", rpm_tool(platform), m_state};
    argv.insert(argv.end(), m_names.begin(), m_names.end());
    return {Probe{argv}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs,
                      const Platform& platform) const override {
    const auto& raw = outputs.at(0).out;
    if (!is_apt(platform)) return plan_rpm(raw, platform);
    auto status = parse_package_probe(raw, platform);
    bool no_lists = raw.find("@@no-lists") != std::string::npos;
    Change change;
    std::vector<std::string> todo, versions, held;
    for (const auto& name : m_names) {
      const auto& s = package_status(status, name);
      if (m_state == "absent") {
        if (!s.installed) continue;
        if (s.held) {
          return fail(name + " is held (apt-mark hold): forja does not remove a held package; "
                             "release it with apt-mark unhold first");
        }
        todo.push_back(name);
        continue;
      }
      if (!s.installed) {
        todo.push_back(name);
      } else if (m_state == "latest" && !s.candidate.empty() && s.candidate != s.version) {
        if (s.held) {
          held.push_back(name + " " + s.version + " (held: " + s.candidate + " not installed)");
        } else {
          todo.push_back(name);
          versions.push_back(name + " " + s.version + " -> " + s.candidate);
        }
      } else {
        versions.push_back(name + " " + s.version + (s.held ? " (held)" : ""));
      }
    }
    versions.insert(versions.end(), held.begin(), held.end());
    if (todo.empty()) {
      change.summary = (m_state == "absent" ? "not installed: " : "installed: ") +
                       join(m_state == "absent" ? m_names : versions);
      return change;
    }
    change.kind = ChangeKind::change;
    if (m_state == "absent") {
      change.removes = todo;
      std::vector<std::string> along;
      for (const auto& step : parse_simulation(section(raw, "@@remove-sim"))) {
        bool own = std::any_of(todo.begin(), todo.end(), [&](auto& t) {
          return base_name(t) == base_name(step.name);
        });
        if (!own) {
          along.push_back(base_name(step.name));
          change.removes.push_back(base_name(step.name));
        }
      }
      change.summary = "remove " + join(todo) + (along.empty() ? "" : " (also removes " + join(along) + ")");
      std::vector<std::string> argv = {
          "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "remove", "-y", "-q", "--"};
      argv.insert(argv.end(), todo.begin(), todo.end());
      change.commands.push_back(Command{argv, "", Privilege::become});
      return change;
    }
    // Refresh the index only when it is needed: no lists at all, or a package without candidate.
    bool refresh = no_lists;
    for (const auto& name : todo) refresh = refresh || package_status(status, name).candidate.empty();
    change.summary = (m_state == "latest" ? "upgrade/install " : "install ") + join(todo);
    if (refresh) {
      change.summary += " (after apt-get update)";
    } else {
      // What the install brings along, from apt's own simulation: nothing hidden.
      std::vector<std::string> also, upgrades;
      for (const auto& step : parse_simulation(section(raw, "@@install-sim"))) {
        bool own = std::any_of(todo.begin(), todo.end(), [&](auto& t) {
          return base_name(t) == base_name(step.name);
        });
        if (own) continue;
        if (step.old_version.empty()) {
          also.push_back(step.name);
        } else {
          upgrades.push_back(step.name + " " + step.old_version + " -> " + step.new_version);
        }
      }
      if (!also.empty()) change.summary += "; also installs " + join(also);
      if (!upgrades.empty()) change.summary += "; upgrades " + join(upgrades);
    }
    change.install = todo;
    change.refresh_index = refresh;
    change.commands = package_install_commands(platform, todo, refresh);
    return change;
  }

  // Two states that want one package present agree; one that removes a package another
  // declares present is refused by the engine (see Change::removes).
  std::vector<std::string> packages_to_install() const override {
    return m_state == "absent" ? std::vector<std::string>{} : m_names;
  }

  // Installing can bring python3, another package manager or another init system.
  std::vector<std::string> facts_it_may_change() const override {
    return {"python3", "package_manager", "init_system"};
  }

 private:
  // dnf/yum: the same decisions from rpm -q and dnf's own cache-only answers. An upgrade names
  // the version the plan showed ("name-[epoch:]version-release"): `dnf install NAME` leaves an
  // installed package as it is, and a pinned install joins the host's one transaction.
  Result<Change> plan_rpm(const std::string& raw, const Platform& platform) const {
    auto status = parse_package_probe(raw, platform);
    auto tool = rpm_tool(platform);
    auto own = [&](const std::vector<std::string>& names, const std::string& package) {
      return std::any_of(names.begin(), names.end(),
                         [&](const auto& n) { return base_name(n) == package; });
    };
    Change change;
    if (m_state == "absent") {
      std::vector<std::string> todo;
      for (const auto& name : m_names)
        if (package_status(status, name).installed) todo.push_back(name);
      if (todo.empty()) {
        change.summary = "not installed: " + join(m_names);
        return change;
      }
      change.kind = ChangeKind::change;
      change.removes = todo;
      // dnf removes what depends on them and what only they needed (clean_requirements_on_remove).
      std::vector<std::string> along;
      for (const auto& step :
           parse_rpm_transaction(join_lines(section(raw, "@@remove-sim"))).steps) {
        bool removed = step.kind == RpmStep::Kind::remove || step.kind == RpmStep::Kind::dependent;
        if (!removed || own(todo, step.name)) continue;
        along.push_back(step.name);
        change.removes.push_back(step.name);
      }
      change.summary =
          "remove " + join(todo) + (along.empty() ? "" : " (also removes " + join(along) + ")");
      std::vector<std::string> argv = {tool, "-y", "remove", "--"};
      argv.insert(argv.end(), todo.begin(), todo.end());
      change.commands.push_back(Command{argv, "", Privilege::become});
      return change;
    }
    std::vector<std::string> todo, specs, versions, upgrades, unknown;
    for (const auto& name : m_names) {
      const auto& s = package_status(status, name);
      if (!s.installed) {
        todo.push_back(name);
        specs.push_back(name);
        if (s.candidate.empty()) unknown.push_back(name);
      } else if (m_state == "latest" && !s.candidate.empty() && s.candidate != s.version) {
        todo.push_back(name);
        specs.push_back(name + "-" + s.candidate);
        upgrades.push_back(name + " " + s.version + " -> " + s.candidate);
      } else {
        versions.push_back(name + " " + s.version);
      }
    }
    if (todo.empty()) {
      change.summary = "installed: " + join(versions);
      return change;
    }
    change.kind = ChangeKind::change;
    change.summary = (m_state == "latest" ? "upgrade/install " : "install ") + join(todo);
    if (!upgrades.empty()) change.summary += " (" + join(upgrades) + ")";
    // Metadata is refreshed only when a package has no candidate in the cache.
    bool refresh = !unknown.empty();
    if (refresh) {
      change.summary += " (" + join(unknown) + (unknown.size() == 1 ? " is" : " are") + " not in " +
                        tool + "'s cached metadata: refreshing it)";
    } else {
      std::vector<std::string> also, upgraded;
      for (const auto& step :
           parse_rpm_transaction(join_lines(section(raw, "@@install-sim"))).steps) {
        if (own(todo, step.name)) continue;
        if (step.kind == RpmStep::Kind::dependency) also.push_back(step.name + " " + step.version);
        if (step.kind == RpmStep::Kind::upgrade)
          upgraded.push_back(step.name + " -> " + step.version);
      }
      if (!also.empty()) change.summary += "; also installs " + join(also);
      if (!upgraded.empty()) change.summary += "; upgrades " + join(upgraded);
    }
    change.install = specs;
    change.refresh_index = refresh;
    change.commands = package_install_commands(platform, specs, refresh);
    return change;
  }

  static std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    return text;
  }

  static const PackageStatus& package_status(const std::map<std::string, PackageStatus>& status,
                                             const std::string& name) {
    static const PackageStatus none;
    if (auto it = status.find(name); it != status.end()) return it->second;
    if (auto it = status.find(base_name(name)); it != status.end()) return it->second;
    return none;
  }

  // The lines of one @@section of the probe's output.
  static std::vector<std::string> section(const std::string& raw, const std::string& name) {
    std::vector<std::string> out;
    bool in = false;
    for (const auto& line : split_lines(raw)) {
      if (starts_with(line, "@@")) {
        in = line == name;
        continue;
      }
      if (in) out.push_back(line);
    }
    return out;
  }

  std::vector<std::string> m_names;
  std::string m_state;
};

}  // namespace

std::map<std::string, PackageStatus> parse_package_probe(std::string_view out,
                                                         const Platform& platform) {
  std::map<std::string, PackageStatus> result;
  enum { status, candidates, updates, install_sim, other } section = status;
  std::string current;  // package being described in apt-cache policy output
  std::string updates_text, install_sim_text;  // dnf/yum sections, parsed whole below
  for (const auto& raw : split_lines(out)) {
    std::string line = trim(raw);
    if (line == "@@candidates") { section = candidates; continue; }
    if (line == "@@updates") { section = updates; continue; }
    if (line == "@@install-sim") {
      section = install_sim;
      continue;
    }
    if (starts_with(line, "@@")) {
      if (line != "@@no-lists") section = other;
      continue;
    }
    if (line.empty()) continue;
    if (section == status) {
      // "binary|name|arch|status|version" (or the older "name|status|version").
      auto f = split(line, '|');
      if (f.size() != 5 && f.size() != 3) continue;
      const auto& st = f.size() == 5 ? f[3] : f[1];
      const auto& version = f.size() == 5 ? f[4] : f[2];
      // dpkg's status abbreviation: desired (i, h = hold, ...), then status (i = installed).
      if (st.size() < 2 || st[1] != 'i') continue;
      PackageStatus s{true, version, "", st[0] == 'h'};
      std::vector<std::string> keys{f[0]};
      if (f.size() == 5) keys = {f[1], f[1] + ":" + f[2], f[0]};
      for (const auto& k : keys) {
        auto& entry = result[k];
        auto candidate = entry.candidate;
        if (!entry.installed) entry = s;
        if (!candidate.empty()) entry.candidate = candidate;
      }
    } else if (section == candidates) {
      if (!raw.empty() && raw[0] != ' ' && line.back() == ':') {
        current = line.substr(0, line.size() - 1);
      } else if (starts_with(line, "Candidate:") && !current.empty()) {
        auto v = trim(line.substr(10));
        result[current].candidate = v == "(none)" ? "" : v;
      }
    } else if (section == updates) {
      updates_text += raw + "\n";
    } else if (section == install_sim) {
      install_sim_text += raw + "\n";
    }
  }
  if (!is_apt(platform)) {
    // A missing package's candidate is what dnf/yum would install (from its cache); an
    // installed one's is its update, and without one it is at the latest version.
    for (const auto& step : parse_rpm_transaction(install_sim_text).steps) {
      if (step.kind != RpmStep::Kind::install) continue;
      auto& s = result[step.name];
      if (!s.installed) s.candidate = step.version;
    }
    for (const auto& [name, version] : parse_check_update(updates_text))
      result[name].candidate = version;
    for (auto& [name, s] : result)
      if (s.candidate.empty() && s.installed) s.candidate = s.version;
  }
  return result;
}

std::vector<Command> package_install_commands(const Platform& platform,
                                              const std::vector<std::string>& names,
                                              bool refresh) {
  std::vector<Command> commands;
  if (is_apt(platform)) {
    if (refresh) {
      commands.push_back(Command{{"env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "update", "-q"},
                                 "", Privilege::become});
    }
    std::vector<std::string> argv = {"env", "DEBIAN_FRONTEND=noninteractive", "apt-get",
                                     "install", "-y", "-q", "-o", "Dpkg::Options::=--force-confold",
                                     "--"};
    argv.insert(argv.end(), names.begin(), names.end());
    commands.push_back(Command{argv, "", Privilege::become});
  } else if (rpm_tool(platform) == "yum") {
    // yum has no --refresh: makecache downloads every enabled repository's metadata anew.
    if (refresh) commands.push_back(Command{{"yum", "-q", "makecache"}, "", Privilege::become});
    std::vector<std::string> argv = {"yum", "-y", "install", "--"};
    argv.insert(argv.end(), names.begin(), names.end());
    commands.push_back(Command{argv, "", Privilege::become});
  } else {
    std::vector<std::string> argv = {"dnf", "-y"};
    if (refresh) argv.push_back("--refresh");
    argv.insert(argv.end(), {"install", "--"});
    argv.insert(argv.end(), names.begin(), names.end());
    commands.push_back(Command{argv, "", Privilege::become});
  }
  return commands;
}

ResourceType package_type() {
  return {"package",
          "Packages present, absent or latest (apt on Debian/Ubuntu, dnf/yum on CentOS/RHEL). "
          "All installs of a host run as one transaction.",
          {{"state", ArgKind::string, false, "present (default), absent or latest",
            {"present", "absent", "latest"}}},
          [](const Args& args, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            auto names = args.name_list.empty() ? std::vector<std::string>{args.name()}
                                                : args.name_list;
            for (const auto& n : names) {
              if (!valid_package_name(n)) {
                return std::unexpected(args.error(
                    args.type(), "'" + n + "' is not a package name (letters, digits, + . - _, "
                                          "optionally :ARCH; it may not start with '-')"));
              }
            }
            return std::make_unique<Package>(names, args.str("state", "present"));
          }};
}

}  // namespace forja
