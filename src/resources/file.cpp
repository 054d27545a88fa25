// file: content (inline or from a local source), mode, owner and group of a path; replaced
// atomically through write_file_command.
#include "resources/file.hpp"

#include <filesystem>

#include "util/diff.hpp"
#include "util/input_file.hpp"
#include "util/hash.hpp"
#include "util/shell.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

enum class Presence { present, absent };
enum class Backup { no, yes };

class File final : public Resource {
 public:
  File(std::string path, std::string content, Attributes attributes,
       std::vector<std::string> validate, Backup backup, Presence presence)
      : m_path(std::move(path)), m_content(std::move(content)), m_want(std::move(attributes)),
        m_validate(std::move(validate)), m_backup(backup), m_presence(presence),
        m_sha(sha256_hex(m_content)) {}

  std::vector<Probe> probes(const Platform&) const override { return {file_probe(m_path, m_sha)}; }

  std::vector<std::string> manages() const override { return {"path " + m_path}; }

  // The files facts are read from.
  std::vector<std::string> facts_it_may_change() const override {
    if (m_path == "/etc/hostname") return {"hostname"};
    if (m_path == "/etc/os-release" || m_path == "/usr/lib/os-release" || m_path == "/etc/redhat-release")
      return {"os_family", "distribution", "version", "pretty_name"};
    return {};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    auto s = parse_file_probe(outputs.at(0).out);
    Change change;
    if (m_presence == Presence::absent) {
      if (s.type == "missing") {
        change.summary = "absent";
        return change;
      }
      if (s.type == "directory") return fail(m_path + " is a directory; state: absent removes files only");
      change.kind = ChangeKind::change;
      change.summary = "remove " + s.type;
      change.commands.push_back(Command{{"rm", "-f", "--", m_path}, "", Privilege::become});
      return change;
    }
    if (s.type != "missing" && s.type != "file") {
      return fail(m_path + " exists and is a " + s.type + ", not a file; remove it first");
    }
    UploadSpec spec;
    spec.path = m_path;
    spec.validate = m_validate;
    spec.backup = m_backup == Backup::yes;
    spec.privilege = Privilege::become;
    if (s.type == "missing") {
      spec.mode = m_want.mode.empty() ? "0644" : m_want.mode;
      spec.owner = m_want.owner;
      spec.group = m_want.group;
      change.kind = ChangeKind::change;
      change.summary = "create (" + std::to_string(m_content.size()) + " bytes, mode " + spec.mode +
                       (spec.owner.empty() ? "" : ", owner " + spec.owner) +
                       (spec.group.empty() ? "" : ", group " + spec.group) + ")";
      change.diff = unified_diff("", m_content, "/dev/null", m_path);
      change.commands.push_back(write_file_command(spec, m_content));
      return change;
    }
    if (s.sha256 != m_sha) {
      // The write replaces the file: what is not declared is carried over from the old one.
      spec.mode = m_want.mode.empty() ? s.mode : m_want.mode;
      spec.owner = m_want.owner.empty() ? s.uid : m_want.owner;
      spec.group = m_want.group.empty() ? s.gid : m_want.group;
      Change attributes;
      std::vector<std::string> what{"update content"};
      plan_attributes(s, m_path, m_want, attributes, what);
      change.kind = ChangeKind::change;
      change.summary = join(what);
      change.diff = unified_diff(s.content.value_or(""), m_content, m_path + " (on host)",
                                 m_path + " (desired)");
      change.commands.push_back(write_file_command(spec, m_content));
      return change;
    }
    std::vector<std::string> what;
    plan_attributes(s, m_path, m_want, change, what);
    if (what.empty()) {
      change.summary = "content matches (sha256 " + m_sha.substr(0, 12) + ")";
      return change;
    }
    change.kind = ChangeKind::change;
    change.summary = join(what);
    return change;
  }

 private:
  std::string m_path, m_content;
  Attributes m_want;
  std::vector<std::string> m_validate;
  Backup m_backup;
  Presence m_presence;
  std::string m_sha;
};

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

}  // namespace

std::vector<ArgSpec> file_args() {
  return {{"content", ArgKind::string, false, "the file's content"},
          {"source", ArgKind::string, false, "a local file to copy (relative to the state file)"},
          {"mode", ArgKind::mode, false,
           "octal mode, quoted: '0644' (default for new files; kept when not given). All four "
           "digits count: '0775' clears setgid, '2775' sets it"},
          {"owner", ArgKind::string, false, "owning user, a name or a uid (kept when not given)"},
          {"group", ArgKind::string, false, "owning group, a name or a gid (kept when not given)"},
          {"validate", ArgKind::string, false,
           "a command that must accept the candidate before it replaces the file; %s = its "
           "path, e.g. 'visudo -cf %s' (words, no shell)"},
          {"backup", ArgKind::boolean, false, "keep the replaced file as PATH.forja-backup"},
          {"state", ArgKind::string, false, "present (default) or absent", {"present", "absent"}}};
}

Result<std::unique_ptr<Resource>> make_file_resource(const Args& args, std::string content) {
  if (args.name().empty() || args.name()[0] != '/') {
    return std::unexpected(args.error(args.type(), "path must be absolute"));
  }
  std::vector<std::string> validate;
  if (args.has("validate")) {
    auto words = split_shell_words(args.str("validate"));
    if (!words || words->empty()) {
      return std::unexpected(args.error("validate", "cannot read this command (an unterminated quote?)"));
    }
    bool placeholder = false;
    for (const auto& w : *words) placeholder = placeholder || w.find("%s") != std::string::npos;
    if (!placeholder) {
      return std::unexpected(args.error("validate", "the command must name the candidate file as %s, "
                                                    "e.g. 'visudo -cf %s'"));
    }
    validate = std::move(*words);
  }
  return std::make_unique<File>(args.name(), std::move(content),
                                Attributes{args.str("mode"), args.str("owner"), args.str("group")},
                                std::move(validate),
                                args.boolean("backup", false) ? Backup::yes : Backup::no,
                                args.str("state") == "absent" ? Presence::absent : Presence::present);
}

ResourceType file_type() {
  return {"file", "A file with given content or copied from a local source; atomic replace.",
          file_args(),
          [](const Args& a, const BuildContext& ctx) -> Result<std::unique_ptr<Resource>> {
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
            return make_file_resource(a, std::move(content));
          }};
}

}  // namespace forja
