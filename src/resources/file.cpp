// file, directory and template: content, mode, owner and group of a path; atomic replace.
#include "resources/file.hpp"

#include <filesystem>

#include "resources/resource.hpp"
#include "template/render.hpp"
#include "util/diff.hpp"
#include "util/hash.hpp"
#include "util/input_file.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

// $1 = path, $2 = sha256 of the desired content ("" for directories).
// Line 1: "TYPE MODE OWNER GROUP" or "missing"; for files line 2 is the sha256, and the
// current content follows only when it differs from the desired one.
constexpr const char* k_file_probe = R"SH(p=$1
if [ -L "$p" ]; then t=link; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; else echo missing; exit 0; fi
stat -c "$t %a %U %G" "$p"
if [ "$t" = file ]; then h=$(sha256sum < "$p" | cut -d' ' -f1); echo "$h"; if [ "$h" != "$2" ]; then cat "$p"; fi; fi
exit 0)SH";

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

// A template path: as given (absolute or relative to the state file), else in a templates/
// directory beside the state file or in one of its parents (playbooks/states -> ../../templates).
// File system errors (a name too long, a loop of links) count as "not there": nothing throws.
std::string find_template(const std::string& base_dir, const std::string& src) {
  std::error_code ec;
  auto direct = resolve(base_dir, src);
  if (std::filesystem::is_regular_file(direct, ec)) return direct;
  if (!src.empty() && src[0] == '/') return {};
  auto dir = std::filesystem::absolute(base_dir, ec);
  if (ec) return {};
  for (int up = 0; up < 4 && !dir.empty(); ++up) {
    auto candidate = dir / "templates" / src;
    if (std::filesystem::is_regular_file(candidate, ec))
      return candidate.lexically_normal().string();
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return {};
}

// Mode/owner/group fix-ups shared by files and directories.
void plan_attributes(const FileStatus& s, const std::string& path, const std::string& mode,
                     const std::string& owner, const std::string& group, Change& change,
                     std::vector<std::string>& what) {
  if (!mode.empty() && !same_mode(s.mode, mode)) {
    what.push_back("mode " + s.mode + " -> " + mode);
    change.commands.push_back(Command{{"chmod", mode, path}, "", Privilege::become});
  }
  if (!owner.empty() && s.owner != owner) {
    what.push_back("owner " + s.owner + " -> " + owner);
    change.commands.push_back(Command{{"chown", owner, path}, "", Privilege::become});
  }
  if (!group.empty() && s.group != group) {
    what.push_back("group " + s.group + " -> " + group);
    change.commands.push_back(Command{{"chgrp", group, path}, "", Privilege::become});
  }
}

class File final : public Resource {
 public:
  File(std::string path, std::string content, std::string mode, std::string owner,
       std::string group, std::string validate, bool backup, bool absent)
      : m_path(std::move(path)), m_content(std::move(content)), m_mode(std::move(mode)),
        m_owner(std::move(owner)), m_group(std::move(group)), m_validate(std::move(validate)),
        m_backup(backup), m_absent(absent), m_sha(sha256_hex(m_content)) {}

  std::vector<Probe> probes(const Platform&) const override {
    return {Probe{{"sh", "-c", k_file_probe, "forja-file", m_path, m_sha}}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    auto s = parse_file_probe(outputs.at(0).out);
    Change change;
    if (m_absent) {
      if (s.type == "missing") {
        change.summary = "absent";
        return change;
      }
      change.kind = ChangeKind::change;
      change.summary = "remove " + s.type;
      change.commands.push_back(Command{{"rm", "-rf", "--", m_path}, "", Privilege::become});
      return change;
    }
    if (s.type != "missing" && s.type != "file") {
      return fail(m_path + " exists and is a " + s.type + ", not a file; remove it first");
    }
    UploadSpec spec;
    spec.path = m_path;
    spec.mode = m_mode.empty() ? "0644" : m_mode;
    spec.owner = m_owner;
    spec.group = m_group;
    spec.validate = m_validate;
    spec.backup = m_backup;
    spec.privilege = Privilege::become;
    Command write{atomic_write_argv(spec), m_content, Privilege::become};
    if (s.type == "missing") {
      change.kind = ChangeKind::change;
      change.summary = "create (" + std::to_string(m_content.size()) + " bytes, mode " +
                       spec.mode + ")";
      change.diff = unified_diff("", m_content, "/dev/null", m_path);
      change.commands.push_back(write);
      return change;
    }
    if (s.sha256 != m_sha) {
      change.kind = ChangeKind::change;
      change.summary = "update content";
      change.diff = unified_diff(s.content.value_or(""), m_content, m_path + " (on host)",
                                 m_path + " (desired)");
      // The atomic write also sets mode, owner and group.
      if (m_mode.empty()) spec.mode = s.mode;
      write.argv = atomic_write_argv(spec);
      change.commands.push_back(write);
      return change;
    }
    std::vector<std::string> what;
    plan_attributes(s, m_path, m_mode, m_owner, m_group, change, what);
    if (what.empty()) {
      change.summary = "content matches (sha256 " + m_sha.substr(0, 12) + ")";
      return change;
    }
    change.kind = ChangeKind::change;
    change.summary = join(what);
    return change;
  }

 private:
  std::string m_path, m_content, m_mode, m_owner, m_group, m_validate;
  bool m_backup, m_absent;
  std::string m_sha;
};

class Directory final : public Resource {
 public:
  Directory(std::string path, std::string mode, std::string owner, std::string group)
      : m_path(std::move(path)), m_mode(std::move(mode)), m_owner(std::move(owner)),
        m_group(std::move(group)) {}

  std::vector<Probe> probes(const Platform&) const override {
    return {Probe{{"sh", "-c", k_file_probe, "forja-file", m_path, ""}}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    auto s = parse_file_probe(outputs.at(0).out);
    Change change;
    if (s.type == "missing") {
      change.kind = ChangeKind::change;
      change.summary = "create directory";
      change.commands.push_back(Command{{"mkdir", "-p", "--", m_path}, "", Privilege::become});
      if (!m_mode.empty())
        change.commands.push_back(Command{{"chmod", m_mode, m_path}, "", Privilege::become});
      if (!m_owner.empty())
        change.commands.push_back(Command{{"chown", m_owner, m_path}, "", Privilege::become});
      if (!m_group.empty())
        change.commands.push_back(Command{{"chgrp", m_group, m_path}, "", Privilege::become});
      return change;
    }
    if (s.type != "directory") {
      return fail(m_path + " exists and is a " + s.type + ", not a directory");
    }
    std::vector<std::string> what;
    plan_attributes(s, m_path, m_mode, m_owner, m_group, change, what);
    if (what.empty()) {
      change.summary = "directory exists (" + s.mode + " " + s.owner + ":" + s.group + ")";
      return change;
    }
    change.kind = ChangeKind::change;
    change.summary = join(what);
    return change;
  }

 private:
  std::string m_path, m_mode, m_owner, m_group;
};

std::vector<ArgSpec> file_args() {
  return {{"content", ArgKind::string, false, "the file's content"},
          {"source", ArgKind::string, false, "a local file to copy (relative to the state file)"},
          {"mode", ArgKind::mode, false, "octal mode, quoted: '0644' (default for new files)"},
          {"owner", ArgKind::string, false, "owning user"},
          {"group", ArgKind::string, false, "owning group"},
          {"validate", ArgKind::string, false, "command run on the candidate first; %s = its path"},
          {"backup", ArgKind::boolean, false, "keep the replaced file as PATH.forja-backup"},
          {"state", ArgKind::string, false, "present (default) or absent", {"present", "absent"}}};
}

Result<std::unique_ptr<Resource>> make_file(const Args& args, std::string content) {
  if (args.name().empty() || args.name()[0] != '/') {
    return std::unexpected(args.error(args.type(), "path must be absolute"));
  }
  return std::make_unique<File>(args.name(), std::move(content), args.str("mode"),
                                args.str("owner"), args.str("group"), args.str("validate"),
                                args.boolean("backup", false), args.str("state") == "absent");
}

}  // namespace

bool same_mode(std::string_view a, std::string_view b) {
  auto strip = [](std::string_view m) {
    while (m.size() > 1 && m[0] == '0') m.remove_prefix(1);
    return m;
  };
  return strip(a) == strip(b);
}

FileStatus parse_file_probe(std::string_view out) {
  FileStatus s;
  auto nl = out.find('\n');
  auto fields = split(trim(out.substr(0, nl)), ' ');
  s.type = fields.empty() || fields[0].empty() ? "missing" : fields[0];
  if (fields.size() >= 4) {
    s.mode = fields[1];
    s.owner = fields[2];
    s.group = fields[3];
  }
  if (s.type == "file" && nl != std::string_view::npos) {
    auto rest = out.substr(nl + 1);
    auto nl2 = rest.find('\n');
    s.sha256 = trim(rest.substr(0, nl2));
    if (nl2 != std::string_view::npos && nl2 + 1 <= rest.size()) {
      auto content = rest.substr(nl2 + 1);
      if (!content.empty()) s.content = std::string(content);
    }
  }
  return s;
}

ResourceType file_type() {
  auto args = file_args();
  return {"file", "A file with given content or copied from a local source; atomic replace.",
          args, [](const Args& a, const BuildContext& ctx) -> Result<std::unique_ptr<Resource>> {
            if (a.has("content") && a.has("source")) {
              return std::unexpected(a.error("source", "give either content or source, not both"));
            }
            std::string content = a.str("content");
            if (a.has("source")) {
              auto path = resolve(ctx.base_dir, a.str("source"));
              std::error_code ec;
              if (!std::filesystem::is_regular_file(path, ec)) {
                return std::unexpected(a.error("source", "no such file: " + path));
              }
              auto text = read_input_file(path, "source file");
              if (!text) return std::unexpected(a.error("source", text.error().message));
              content = std::move(*text);
            }
            return make_file(a, std::move(content));
          }};
}

ResourceType template_type() {
  auto args = file_args();
  args.erase(args.begin(), args.begin() + 2);  // no content/source: the template is `src`
  args.insert(args.begin(), {"src", ArgKind::string, true,
                             "Mustache template, relative to the state file or templates/"});
  return {"template",
          "A file rendered locally from a Mustache template with the host's variables and facts.",
          args, [](const Args& a, const BuildContext& ctx) -> Result<std::unique_ptr<Resource>> {
            auto path = find_template(ctx.base_dir, a.str("src"));
            if (path.empty()) {
              return std::unexpected(a.error("src", "no such template: " + a.str("src") +
                                                        " (looked in " + ctx.base_dir +
                                                        " and templates/ above it)"));
            }
            auto text = read_input_file(path, "template");
            if (!text) return std::unexpected(text.error());
            auto rendered = render_template(*text, ctx.vars, SourceLocation{path, 1, 1});
            if (!rendered) return std::unexpected(rendered.error());
            return make_file(a, std::move(*rendered));
          }};
}

ResourceType directory_type() {
  return {"directory",
          "A directory (created with parents) with mode, owner and group.",
          {{"mode", ArgKind::mode, false, "octal mode, quoted: '0755'"},
           {"owner", ArgKind::string, false, "owning user"},
           {"group", ArgKind::string, false, "owning group"}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            if (a.name().empty() || a.name()[0] != '/') {
              return std::unexpected(a.error(a.type(), "path must be absolute"));
            }
            return std::make_unique<Directory>(a.name(), a.str("mode"), a.str("owner"),
                                               a.str("group"));
          }};
}

}  // namespace forja
