// package: packages present, absent or at the latest version, through apt or dnf/yum.
#include "resources/package.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace forja {

namespace {

// $1 = "latest" or "", then the package names. Prints one "name|status|version" line per
// known package, then a policy/updates section when something is missing or latest is asked.
constexpr const char* k_apt_probe = R"SH(want=$1; shift
out=$(dpkg-query -W -f='${Package}|${db:Status-Abbrev}|${Version}\n' "$@" 2>/dev/null)
printf '%s\n' "$out"
n=$(printf '%s\n' "$out" | grep -c '|ii |' || true)
if [ "$n" -ne $# ] || [ "$want" = latest ]; then
  echo '@@candidates'
  if [ -z "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v -e lock -e partial -e auxfiles)" ]; then echo '@@no-lists'; fi
  LC_ALL=C apt-cache policy "$@" 2>/dev/null
fi)SH";

constexpr const char* k_rpm_probe = R"SH(want=$1; shift
for p in "$@"; do rpm -q --qf '%{NAME}|ii |%{VERSION}-%{RELEASE}\n' "$p" 2>/dev/null | grep '|ii |' || true; done
if [ "$want" = latest ]; then
  echo '@@updates'
  if command -v dnf >/dev/null 2>&1; then dnf -q check-update "$@" 2>/dev/null; else yum -q check-update "$@" 2>/dev/null; fi
fi
exit 0)SH";

bool is_apt(const Platform& p) { return p.package_manager == "apt" || p.os_family == "debian"; }

std::string rpm_tool(const Platform& p) { return p.package_manager == "yum" ? "yum" : "dnf"; }

class Package final : public Resource {
 public:
  Package(std::vector<std::string> names, std::string state)
      : m_names(std::move(names)), m_state(std::move(state)) {}

  std::vector<Probe> probes(const Platform& platform) const override {
    std::vector<std::string> argv = {"sh", "-c", is_apt(platform) ? k_apt_probe : k_rpm_probe,
                                     "forja-package", m_state == "latest" ? "latest" : ""};
    argv.insert(argv.end(), m_names.begin(), m_names.end());
    return {Probe{argv}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs,
                      const Platform& platform) const override {
    auto status = parse_package_probe(outputs.at(0).out, platform);
    bool no_lists = outputs.at(0).out.find("@@no-lists") != std::string::npos;
    Change change;
    std::vector<std::string> todo, versions;
    for (const auto& name : m_names) {
      const auto& s = status[name];
      if (m_state == "absent") {
        if (s.installed) todo.push_back(name);
        continue;
      }
      if (!s.installed) {
        todo.push_back(name);
      } else if (m_state == "latest" && !s.candidate.empty() && s.candidate != s.version) {
        todo.push_back(name);
        versions.push_back(name + " " + s.version + " -> " + s.candidate);
      } else {
        versions.push_back(name + " " + s.version);
      }
    }
    if (todo.empty()) {
      change.summary = (m_state == "absent" ? "not installed: " : "installed: ") +
                       join(m_state == "absent" ? m_names : versions);
      return change;
    }
    change.kind = ChangeKind::change;
    if (m_state == "absent") {
      change.summary = "remove " + join(todo);
      std::vector<std::string> argv =
          is_apt(platform) ? std::vector<std::string>{"env", "DEBIAN_FRONTEND=noninteractive",
                                                       "apt-get", "remove", "-y", "-q"}
                           : std::vector<std::string>{rpm_tool(platform), "-y", "remove"};
      argv.insert(argv.end(), todo.begin(), todo.end());
      change.commands.push_back(Command{argv, "", Privilege::become});
      return change;
    }
    // Refresh the index only when it is needed: no lists at all, or a package without candidate.
    bool refresh = no_lists;
    for (const auto& name : todo) refresh = refresh || status[name].candidate.empty();
    change.summary = (m_state == "latest" ? "upgrade/install " : "install ") + join(todo);
    if (refresh && is_apt(platform)) change.summary += " (after apt-get update)SH";
    change.commands = package_install_commands(platform, todo, refresh);
    return change;
  }

  std::vector<std::string> packages_to_install() const override {
    return m_state == "absent" ? std::vector<std::string>{} : m_names;
  }

 private:
  std::vector<std::string> m_names;
  std::string m_state;
};

}  // namespace

std::map<std::string, PackageStatus> parse_package_probe(std::string_view out,
                                                         const Platform& platform) {
  std::map<std::string, PackageStatus> result;
  enum { status, candidates, updates } section = status;
  std::string current;  // package being described in apt-cache policy output
  for (const auto& raw : split_lines(out)) {
    std::string line = trim(raw);
    if (line == "@@candidates") { section = candidates; continue; }
    if (line == "@@updates") { section = updates; continue; }
    if (line.empty() || line == "@@no-lists") continue;
    if (section == status) {
      auto f = split(line, '|');
      if (f.size() == 3 && starts_with(f[1], "ii")) {
        result[f[0]].installed = true;
        result[f[0]].version = f[2];
      }
    } else if (section == candidates) {
      if (!raw.empty() && raw[0] != ' ' && line.back() == ':') {
        current = line.substr(0, line.size() - 1);
      } else if (starts_with(line, "Candidate:") && !current.empty()) {
        auto v = trim(line.substr(10));
        result[current].candidate = v == "(none)" ? "" : v;
      }
    } else {
      // dnf/yum check-update: "name.arch  version  repo"
      auto fields = split(line, ' ');
      fields.erase(std::remove(fields.begin(), fields.end(), ""), fields.end());
      if (fields.size() >= 2) {
        auto dot = fields[0].rfind('.');
        auto name = dot == std::string::npos ? fields[0] : fields[0].substr(0, dot);
        result[name].candidate = fields[1];
      }
    }
  }
  if (!is_apt(platform)) {
    // dnf/yum resolve candidates themselves; an installed package without a listed update is
    // at the latest version.
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
                                     "install", "-y", "-q", "-o", "Dpkg::Options::=--force-confold"};
    argv.insert(argv.end(), names.begin(), names.end());
    commands.push_back(Command{argv, "", Privilege::become});
  } else {
    std::vector<std::string> argv = {rpm_tool(platform), "-y", "install"};
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
            return std::make_unique<Package>(names, args.str("state", "present"));
          }};
}

}  // namespace forja
