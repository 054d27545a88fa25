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
  std::string primary_group;        // name of the primary group (id -gn)
  bool own_group_exists = false;    // a group named like the user exists (even without the user)
};

// Parse "passwd:<getent passwd line>", "groups:<id -nG>", "primary:<id -gn>" and
// "own-group:1" lines.
[[nodiscard]] UserStatus parse_user_probe(std::string_view out);

// Valid user and group names: never an option, nothing a shell would split.
[[nodiscard]] bool valid_account_name(std::string_view name);

// A group entry from "group:<getent group line>".
struct GroupStatus {
  bool exists = false;
  std::string gid;
};
[[nodiscard]] GroupStatus parse_group_probe(std::string_view out);

}  // namespace forja
