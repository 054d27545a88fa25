#pragma once

// What the file, template and directory resources share: one probe of a path, and the plan
// of its mode, owner and group.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resources/resource.hpp"

namespace forja {

// What the file probe saw at a path.
struct FileStatus {
  std::string type;  // "missing", "file", "directory", "link" or "other"
  std::string mode;  // octal as stat prints it, e.g. "644" or "2775"
  std::string owner;
  std::string group;
  std::string uid;  // numeric, as a string
  std::string gid;
  std::string sha256;                  // files only
  std::optional<std::string> content;  // files only, and only when sha256 differs from desired
};

// The probe of a path: $1 = path, $2 = sha256 of the desired content ("" for directories).
[[nodiscard]] Probe file_probe(const std::string& path, const std::string& sha256);

// Parse the output of the file probe.
[[nodiscard]] FileStatus parse_file_probe(std::string_view out);

// Modes compare as all four octal digits: "0644" == "644", "2775" != "0775". A mode without
// setuid/setgid/sticky bits means those bits are off.
[[nodiscard]] bool same_mode(std::string_view a, std::string_view b);

// An owner (or group) given as a name compares with the name, one given as a number with the
// numeric id.
[[nodiscard]] bool same_owner(const std::string& declared, const std::string& name,
                              const std::string& id);

// Declared attributes of a path; empty = keep what is there.
struct Attributes {
  std::string mode, owner, group;
};

// The commands (privileged) that bring the path's mode, owner and group to `want`, with a
// description of each in `what`.
void plan_attributes(const FileStatus& s, const std::string& path, const Attributes& want,
                     Change& change, std::vector<std::string>& what);

// A file resource with the given content (file and template share it).
[[nodiscard]] Result<std::unique_ptr<Resource>> make_file_resource(const Args& args,
                                                                   std::string content);

// The arguments of file (template replaces content/source with src).
[[nodiscard]] std::vector<ArgSpec> file_args();

}  // namespace forja
