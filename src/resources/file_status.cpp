// The probe of a path and the plan of its attributes, shared by file, template and directory.
#include <algorithm>

#include "resources/file.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

// Line 1: "TYPE MODE OWNER GROUP UID GID" or "missing"; for files line 2 is the sha256, and
// the current content follows only when it differs from the desired one. A symlink is
// reported as a link and never followed.
constexpr const char* k_file_probe = R"SH(p=$1
if [ -L "$p" ]; then t=link; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; else echo missing; exit 0; fi
stat -c "$t %a %U %G %u %g" -- "$p"
if [ "$t" = file ]; then h=$(sha256sum < "$p" | cut -d' ' -f1); echo "$h"; if [ "$h" != "$2" ]; then cat -- "$p"; fi; fi
exit 0)SH";

std::string four_digits(std::string_view m) {
  while (m.size() > 1 && m[0] == '0') m.remove_prefix(1);
  std::string out(m);
  while (out.size() < 4) out.insert(out.begin(), '0');
  return out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Probe file_probe(const std::string& path, const std::string& sha256) {
  return Probe{{"sh", "-c", k_file_probe, "forja-file", path, sha256}};
}

bool same_mode(std::string_view a, std::string_view b) { return four_digits(a) == four_digits(b); }

bool same_owner(const std::string& declared, const std::string& name, const std::string& id) {
  return all_digits(declared) ? declared == id : declared == name;
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
  if (fields.size() >= 6) {
    s.uid = fields[4];
    s.gid = fields[5];
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

void plan_attributes(const FileStatus& s, const std::string& path, const Attributes& want,
                     Change& change, std::vector<std::string>& what) {
  if (!want.mode.empty() && !same_mode(s.mode, want.mode)) {
    what.push_back("mode " + s.mode + " -> " + want.mode);
    change.commands.push_back(Command{{"chmod", want.mode, "--", path}, "", Privilege::become});
    // GNU chmod keeps setuid/setgid on directories when given digits alone: clear them by name.
    if (four_digits(want.mode)[0] == '0' && four_digits(s.mode)[0] != '0') {
      change.commands.push_back(Command{{"chmod", "u-s,g-s,o-t", "--", path}, "", Privilege::become});
    }
  }
  if (!want.owner.empty() && !same_owner(want.owner, s.owner, s.uid)) {
    what.push_back("owner " + s.owner + " -> " + want.owner);
    change.commands.push_back(Command{{"chown", "--", want.owner, path}, "", Privilege::become});
  }
  if (!want.group.empty() && !same_owner(want.group, s.group, s.gid)) {
    what.push_back("group " + s.group + " -> " + want.group);
    change.commands.push_back(Command{{"chgrp", "--", want.group, path}, "", Privilege::become});
  }
}

}  // namespace forja
