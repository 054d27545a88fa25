// user: a local account (useradd/usermod/userdel: the same tools on Debian, Ubuntu, CentOS
// and RHEL).
#include "resources/user.hpp"

#include <algorithm>

#include "resources/resource.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

constexpr const char* k_user_probe = R"SH(if e=$(getent passwd -- "$1"); then echo "passwd:$e"; echo "groups:$(id -nG -- "$1")"; echo "primary:$(id -gn -- "$1")"; fi
if getent group -- "$1" >/dev/null; then echo own-group:1; fi
exit 0)SH";

class User final : public Resource {
 public:
  User(std::string name, const Args& a)
      : m_name(std::move(name)), m_uid(a.str("uid")), m_group(a.str("group")),
        m_shell(a.str("shell")), m_home(a.str("home")), m_groups(a.list("groups")),
        m_system(a.boolean("system", false)), m_absent(a.str("state") == "absent"),
        m_create_home(a.boolean("create_home", true)) {}

  std::vector<Probe> probes(const Platform&) const override {
    return {Probe{{"sh", "-c", k_user_probe, "forja-user", m_name}}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    auto s = parse_user_probe(outputs.at(0).out);
    Change change;
    if (m_absent) {
      if (!s.exists) {
        change.summary = "absent";
        return change;
      }
      change.kind = ChangeKind::change;
      change.summary = "remove user " + m_name;
      change.commands.push_back(Command{{"userdel", "--", m_name}, "", Privilege::become});
      return change;
    }
    if (!s.exists) return plan_create(s);
    std::vector<std::string> argv = {"usermod"};
    std::vector<std::string> what;
    if (!m_uid.empty() && s.uid != m_uid) { argv.insert(argv.end(), {"--uid", m_uid}); what.push_back("uid " + s.uid + " -> " + m_uid); }
    if (!m_group.empty() && s.primary_group != m_group && s.gid != m_group) {
      argv.insert(argv.end(), {"--gid", m_group});
      what.push_back("primary group " + s.primary_group + " -> " + m_group);
    }
    if (!m_shell.empty() && s.shell != m_shell) { argv.insert(argv.end(), {"--shell", m_shell}); what.push_back("shell " + s.shell + " -> " + m_shell); }
    if (!m_home.empty() && s.home != m_home) { argv.insert(argv.end(), {"--home", m_home}); what.push_back("home " + s.home + " -> " + m_home); }
    std::vector<std::string> missing;
    for (const auto& g : m_groups)
      if (std::find(s.groups.begin(), s.groups.end(), g) == s.groups.end()) missing.push_back(g);
    if (!missing.empty()) { argv.insert(argv.end(), {"--append", "--groups", join(missing, ",")}); what.push_back("add to groups " + join(missing)); }
    if (what.empty()) {
      change.summary = "user exists (uid " + s.uid + ", group " + s.primary_group + ", " + s.shell + ", " + s.home + ")";
      return change;
    }
    argv.insert(argv.end(), {"--", m_name});
    change.kind = ChangeKind::change;
    change.summary = join(what);
    change.commands.push_back(Command{argv, "", Privilege::become});
    return change;
  }

  std::vector<std::string> manages() const override { return {"user " + m_name}; }

 private:
  Result<Change> plan_create(const UserStatus& s) const {
    Change change;
    std::vector<std::string> argv = {"useradd"};
    std::vector<std::string> what;
    if (m_system) { argv.push_back("--system"); what.push_back("system"); }
    if (!m_uid.empty()) { argv.insert(argv.end(), {"--uid", m_uid}); what.push_back("uid " + m_uid); }
    // The primary group: the declared one; else a group already named like the user (a
    // `group:` state before this one); else a new group of the user's name.
    if (!m_group.empty()) {
      argv.insert(argv.end(), {"--gid", m_group});
      what.push_back("group " + m_group);
    } else if (s.own_group_exists) {
      argv.insert(argv.end(), {"--gid", m_name});
      what.push_back("existing group " + m_name);
    } else {
      argv.push_back("--user-group");
    }
    if (!m_shell.empty()) { argv.insert(argv.end(), {"--shell", m_shell}); what.push_back("shell " + m_shell); }
    if (!m_home.empty()) { argv.insert(argv.end(), {"--home-dir", m_home}); what.push_back("home " + m_home); }
    argv.push_back(m_create_home ? "--create-home" : "--no-create-home");
    if (!m_groups.empty()) { argv.insert(argv.end(), {"--groups", join(m_groups, ",")}); what.push_back("groups " + join(m_groups)); }
    argv.insert(argv.end(), {"--", m_name});
    change.kind = ChangeKind::change;
    change.summary = "create user " + m_name + (what.empty() ? "" : " (" + join(what) + ")");
    change.commands.push_back(Command{argv, "", Privilege::become});
    return change;
  }

  std::string m_name, m_uid, m_group, m_shell, m_home;
  std::vector<std::string> m_groups;
  bool m_system, m_absent, m_create_home;
};

}  // namespace

bool valid_account_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == '$';
  });
}

UserStatus parse_user_probe(std::string_view out) {
  UserStatus s;
  for (const auto& line : split_lines(out)) {
    if (starts_with(line, "passwd:")) {
      auto f = split(line.substr(7), ':');
      if (f.size() >= 7) {
        s.exists = true;
        s.uid = f[2];
        s.gid = f[3];
        s.home = f[5];
        s.shell = f[6];
      }
    } else if (starts_with(line, "groups:")) {
      for (const auto& g : split(trim(line.substr(7)), ' '))
        if (!g.empty()) s.groups.push_back(g);
    } else if (starts_with(line, "primary:")) {
      s.primary_group = trim(line.substr(8));
    } else if (line == "own-group:1") {
      s.own_group_exists = true;
    }
  }
  return s;
}

ResourceType user_type() {
  return {"user",
          "A local user account (useradd/usermod/userdel).",
          {{"uid", ArgKind::integer, false, "numeric user id"},
           {"group", ArgKind::string, false,
            "primary group (default: a group named like the user, created unless it exists)"},
           {"shell", ArgKind::string, false, "login shell"},
           {"home", ArgKind::string, false, "home directory"},
           {"groups", ArgKind::string_list, false, "supplementary groups (added, never removed)"},
           {"system", ArgKind::boolean, false, "a system account"},
           {"create_home", ArgKind::boolean, false, "create the home directory (default true)"},
           {"state", ArgKind::string, false, "present (default) or absent", {"present", "absent"}}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            if (!valid_account_name(a.name())) {
              return std::unexpected(a.error(a.type(), "'" + a.name() + "' is not a user name"));
            }
            for (const char* key : {"group"})
              if (a.has(key) && !valid_account_name(a.str(key)))
                return std::unexpected(a.error(key, "'" + a.str(key) + "' is not a group name"));
            for (const auto& g : a.list("groups"))
              if (!valid_account_name(g))
                return std::unexpected(a.error("groups", "'" + g + "' is not a group name"));
            for (const char* key : {"shell", "home"})
              if (a.has(key) && a.str(key).rfind('/', 0) != 0)
                return std::unexpected(a.error(key, std::string(key) + " must be an absolute path"));
            return std::make_unique<User>(a.name(), a);
          }};
}

}  // namespace forja
