// user and group: local accounts (useradd/usermod/userdel, groupadd/groupmod/groupdel: the
// same tools on Debian, Ubuntu, CentOS and RHEL).
#include "resources/user.hpp"

#include <algorithm>

#include "resources/resource.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

constexpr const char* k_user_probe = R"SH(if e=$(getent passwd "$1"); then echo "passwd:$e"; echo "groups:$(id -nG "$1")"; fi
exit 0)SH";
constexpr const char* k_group_probe = R"SH(if e=$(getent group "$1"); then echo "group:$e"; fi
exit 0)SH";

class User final : public Resource {
 public:
  User(std::string name, const Args& a)
      : m_name(std::move(name)), m_uid(a.str("uid")), m_shell(a.str("shell")),
        m_home(a.str("home")), m_groups(a.list("groups")), m_system(a.boolean("system", false)),
        m_absent(a.str("state") == "absent"), m_create_home(a.boolean("create_home", true)) {}

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
    if (!s.exists) {
      std::vector<std::string> argv = {"useradd"};
      std::vector<std::string> what;
      if (m_system) { argv.push_back("--system"); what.push_back("system"); }
      if (!m_uid.empty()) { argv.insert(argv.end(), {"--uid", m_uid}); what.push_back("uid " + m_uid); }
      if (!m_shell.empty()) { argv.insert(argv.end(), {"--shell", m_shell}); what.push_back("shell " + m_shell); }
      if (!m_home.empty()) { argv.insert(argv.end(), {"--home-dir", m_home}); what.push_back("home " + m_home); }
      argv.push_back(m_create_home ? "--create-home" : "--no-create-home");
      argv.insert(argv.end(), {"--user-group"});
      if (!m_groups.empty()) { argv.insert(argv.end(), {"--groups", join(m_groups, ",")}); what.push_back("groups " + join(m_groups)); }
      argv.insert(argv.end(), {"--", m_name});
      change.kind = ChangeKind::change;
      change.summary = "create user " + m_name + (what.empty() ? "" : " (" + join(what) + ")");
      change.commands.push_back(Command{argv, "", Privilege::become});
      return change;
    }
    std::vector<std::string> argv = {"usermod"};
    std::vector<std::string> what;
    if (!m_uid.empty() && s.uid != m_uid) { argv.insert(argv.end(), {"--uid", m_uid}); what.push_back("uid " + s.uid + " -> " + m_uid); }
    if (!m_shell.empty() && s.shell != m_shell) { argv.insert(argv.end(), {"--shell", m_shell}); what.push_back("shell " + s.shell + " -> " + m_shell); }
    if (!m_home.empty() && s.home != m_home) { argv.insert(argv.end(), {"--home", m_home}); what.push_back("home " + s.home + " -> " + m_home); }
    std::vector<std::string> missing;
    for (const auto& g : m_groups)
      if (std::find(s.groups.begin(), s.groups.end(), g) == s.groups.end()) missing.push_back(g);
    if (!missing.empty()) { argv.insert(argv.end(), {"--append", "--groups", join(missing, ",")}); what.push_back("add to groups " + join(missing)); }
    if (what.empty()) {
      change.summary = "user exists (uid " + s.uid + ", " + s.shell + ", " + s.home + ")";
      return change;
    }
    argv.insert(argv.end(), {"--", m_name});
    change.kind = ChangeKind::change;
    change.summary = join(what);
    change.commands.push_back(Command{argv, "", Privilege::become});
    return change;
  }

 private:
  std::string m_name, m_uid, m_shell, m_home;
  std::vector<std::string> m_groups;
  bool m_system, m_absent, m_create_home;
};

class GroupResource final : public Resource {
 public:
  GroupResource(std::string name, std::string gid, bool system, bool absent)
      : m_name(std::move(name)), m_gid(std::move(gid)), m_system(system), m_absent(absent) {}

  std::vector<Probe> probes(const Platform&) const override {
    return {Probe{{"sh", "-c", k_group_probe, "forja-group", m_name}}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    auto s = parse_group_probe(outputs.at(0).out);
    Change change;
    if (m_absent) {
      if (!s.exists) { change.summary = "absent"; return change; }
      change.kind = ChangeKind::change;
      change.summary = "remove group " + m_name;
      change.commands.push_back(Command{{"groupdel", "--", m_name}, "", Privilege::become});
      return change;
    }
    if (!s.exists) {
      std::vector<std::string> argv = {"groupadd"};
      if (m_system) argv.push_back("--system");
      if (!m_gid.empty()) argv.insert(argv.end(), {"--gid", m_gid});
      argv.insert(argv.end(), {"--", m_name});
      change.kind = ChangeKind::change;
      change.summary = "create group " + m_name + (m_gid.empty() ? "" : " (gid " + m_gid + ")");
      change.commands.push_back(Command{argv, "", Privilege::become});
      return change;
    }
    if (!m_gid.empty() && s.gid != m_gid) {
      change.kind = ChangeKind::change;
      change.summary = "gid " + s.gid + " -> " + m_gid;
      change.commands.push_back(Command{{"groupmod", "--gid", m_gid, "--", m_name}, "", Privilege::become});
      return change;
    }
    change.summary = "group exists (gid " + s.gid + ")";
    return change;
  }

 private:
  std::string m_name, m_gid;
  bool m_system, m_absent;
};

}  // namespace

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
    }
  }
  return s;
}

GroupStatus parse_group_probe(std::string_view out) {
  GroupStatus s;
  for (const auto& line : split_lines(out)) {
    if (!starts_with(line, "group:")) continue;
    auto f = split(line.substr(6), ':');
    if (f.size() >= 3) {
      s.exists = true;
      s.gid = f[2];
    }
  }
  return s;
}

ResourceType user_type() {
  return {"user",
          "A local user account (useradd/usermod/userdel).",
          {{"uid", ArgKind::integer, false, "numeric user id"},
           {"shell", ArgKind::string, false, "login shell"},
           {"home", ArgKind::string, false, "home directory"},
           {"groups", ArgKind::string_list, false, "supplementary groups (added, never removed)"},
           {"system", ArgKind::boolean, false, "a system account"},
           {"create_home", ArgKind::boolean, false, "create the home directory (default true)"},
           {"state", ArgKind::string, false, "present (default) or absent", {"present", "absent"}}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            return std::make_unique<User>(a.name(), a);
          }};
}

ResourceType group_type() {
  return {"group",
          "A local group (groupadd/groupmod/groupdel).",
          {{"gid", ArgKind::integer, false, "numeric group id"},
           {"system", ArgKind::boolean, false, "a system group"},
           {"state", ArgKind::string, false, "present (default) or absent", {"present", "absent"}}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            return std::make_unique<GroupResource>(a.name(), a.str("gid"), a.boolean("system", false),
                                           a.str("state") == "absent");
          }};
}

}  // namespace forja
