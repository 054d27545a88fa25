#pragma once

// What the YAML and INI readers produce before references are checked and precedence applied.
// Internal to inventory/.

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/model.hpp"

namespace forja {

// Connection settings set at one level (defaults, a group, a host); unset fields inherit.
struct ConnectionSettings {
  std::optional<std::string> address;
  std::optional<int> port;
  std::optional<std::string> user;
  std::optional<std::string> key_file;
  std::optional<std::string> known_hosts;
  std::optional<std::string> password_env;
  std::optional<bool> become;
  std::optional<std::string> become_user;
  std::optional<std::string> become_password_env;
  std::optional<int> connect_timeout;

  // Overwrite the fields of `c` that are set here.
  void apply_to(Connection& c) const;
};

// A name used somewhere (a group's host list, a child group), with where it was written.
struct NameRef {
  std::string name;
  SourceLocation where;
};

struct RawHost {
  std::string name;
  SourceLocation where;
  ConnectionSettings settings;
  YAML::Node vars;  // a map or null
};

struct RawGroup {
  std::string name;
  SourceLocation where;
  std::vector<NameRef> hosts;
  std::vector<NameRef> children;
  ConnectionSettings settings;
  YAML::Node vars;  // a map or null
};

struct RawInventory {
  std::string path;
  std::vector<std::string> lines;  // the file's text, for error excerpts
  ConnectionSettings defaults;
  YAML::Node vars;  // defaults' vars
  std::vector<RawHost> hosts;
  std::vector<RawGroup> groups;
  SourceLocation hosts_where;  // where hosts were expected, for "no hosts"
};

// Check names and references (unknown hosts/groups, cycles) and apply precedence:
// defaults < groups (outer first; siblings in file order) < host.
[[nodiscard]] Result<Inventory> resolve_inventory(RawInventory raw);

// How deeply groups may nest through children (a -> b -> c ...): real inventories use a few
// levels; the limit keeps the resolver's walks short and a chain of thousands an error.
inline constexpr std::size_t k_max_group_depth = 64;

// Host and group names: [A-Za-z0-9._-]+ (no pattern operators).
[[nodiscard]] bool valid_name(std::string_view name);

// An address: an IP address or DNS name, so no blanks or control characters (and non-empty).
[[nodiscard]] bool valid_address(std::string_view address);

// `~` and `~/...` expand to $HOME; a relative path is taken from the inventory's directory.
[[nodiscard]] std::string resolve_inventory_path(const std::string& value,
                                                 const std::string& inventory_path);

}  // namespace forja
