#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forja {

// A passwd entry plus supplementary groups, as the user/group probes report them.
struct UserStatus {
  bool exists = false;
  std::string uid, gid, home, shell;
  std::vector<std::string> groups;  // every group the user is in (id -nG)
};

// Parse "passwd:<getent passwd line>" and "groups:<id -nG output>" lines.
[[nodiscard]] UserStatus parse_user_probe(std::string_view out);

// A group entry from "group:<getent group line>".
struct GroupStatus {
  bool exists = false;
  std::string gid;
};
[[nodiscard]] GroupStatus parse_group_probe(std::string_view out);

}  // namespace forja
