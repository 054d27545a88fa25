// directory: a directory (created with its parents) with mode, owner and group.
#include "resources/file.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

class Directory final : public Resource {
 public:
  Directory(std::string path, Attributes attributes)
      : m_path(std::move(path)), m_want(std::move(attributes)) {}

  std::vector<Probe> probes(const Platform&) const override { return {file_probe(m_path, "")}; }

  std::vector<std::string> manages() const override { return {"path " + m_path}; }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    auto s = parse_file_probe(outputs.at(0).out);
    Change change;
    if (s.type == "missing") {
      change.kind = ChangeKind::change;
      change.summary = "create directory";
      change.commands.push_back(Command{{"mkdir", "-p", "--", m_path}, "", Privilege::become});
      if (!m_want.mode.empty())
        change.commands.push_back(Command{{"chmod", m_want.mode, "--", m_path}, "", Privilege::become});
      if (!m_want.owner.empty())
        change.commands.push_back(Command{{"chown", "--", m_want.owner, m_path}, "", Privilege::become});
      if (!m_want.group.empty())
        change.commands.push_back(Command{{"chgrp", "--", m_want.group, m_path}, "", Privilege::become});
      return change;
    }
    if (s.type != "directory") {
      return fail(m_path + " exists and is a " + s.type + ", not a directory");
    }
    std::vector<std::string> what;
    plan_attributes(s, m_path, m_want, change, what);
    if (what.empty()) {
      change.summary = "directory exists (" + s.mode + " " + s.owner + ":" + s.group + ")";
      return change;
    }
    change.kind = ChangeKind::change;
    change.summary = join(what);
    return change;
  }

 private:
  std::string m_path;
  Attributes m_want;
};

}  // namespace

ResourceType directory_type() {
  return {"directory",
          "A directory (created with parents) with mode, owner and group.",
          {{"mode", ArgKind::mode, false, "octal mode, quoted: '0755'; all four digits count ('2775' = setgid)"},
           {"owner", ArgKind::string, false, "owning user, a name or a uid"},
           {"group", ArgKind::string, false, "owning group, a name or a gid"}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            if (a.name().empty() || a.name()[0] != '/') {
              return std::unexpected(a.error(a.type(), "path must be absolute"));
            }
            return std::make_unique<Directory>(a.name(),
                                               Attributes{a.str("mode"), a.str("owner"), a.str("group")});
          }};
}

}  // namespace forja
