// group: a local group (groupadd/groupmod/groupdel).
#include "resources/resource.hpp"
#include "resources/user.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

constexpr const char* k_group_probe = R"SH(if e=$(getent group -- "$1"); then echo "group:$e"; fi
exit 0)SH";

enum class Presence { present, absent };

class GroupResource final : public Resource {
 public:
  GroupResource(std::string name, std::string gid, bool system, Presence presence)
      : m_name(std::move(name)), m_gid(std::move(gid)), m_system(system), m_presence(presence) {}

  std::vector<Probe> probes(const Platform&) const override {
    return {Probe{{"sh", "-c", k_group_probe, "forja-group", m_name}}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    auto s = parse_group_probe(outputs.at(0).out);
    Change change;
    if (m_presence == Presence::absent) {
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

  std::vector<std::string> manages() const override { return {"group " + m_name}; }

 private:
  std::string m_name, m_gid;
  bool m_system;
  Presence m_presence;
};

}  // namespace

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

ResourceType group_type() {
  return {"group",
          "A local group (groupadd/groupmod/groupdel).",
          {{"gid", ArgKind::integer, false, "numeric group id"},
           {"system", ArgKind::boolean, false, "a system group"},
           {"state", ArgKind::string, false, "present (default) or absent", {"present", "absent"}}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            if (!valid_account_name(a.name())) {
              return std::unexpected(a.error(a.type(), "'" + a.name() + "' is not a group name"));
            }
            return std::make_unique<GroupResource>(a.name(), a.str("gid"), a.boolean("system", false),
                                                   a.str("state") == "absent" ? Presence::absent
                                                                              : Presence::present);
          }};
}

}  // namespace forja
