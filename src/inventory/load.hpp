#pragma once

#include <string>
#include <string_view>

#include "inventory/model.hpp"
#include "util/error.hpp"
#include "util/yaml.hpp"

namespace forja {

enum class InventoryFormat { yaml, ini };

// forja's YAML schema: top-level `defaults`, `hosts` (name -> settings), `groups` (name -> `hosts`,
// `children`, settings). Settings: address (hosts only), port, user, key, known_hosts,
// password_env, become, become_user, become_password_env, connect_timeout, vars (a map).
// Precedence: defaults < groups (outer before inner; siblings in file order) < host. Vars merge
// by top-level key: a later layer replaces a whole value, maps are not merged deeply.
// `key`/`known_hosts` relative to the inventory's directory; `~/` is $HOME.
// INI and Ansible's YAML are read by Ansible's rules (ansible_raw.hpp): typed variables,
// connection settings from ansible_host/port/user/ssh_private_key_file/become/become_user/
// timeout/connection and forja_known_hosts/password_env/become_password_env.

// Load an inventory file, YAML or Ansible INI, and resolve it. Pure: no host is contacted.
// Every error is bad_input "FILE:LINE:COL: what" followed by the source line and a caret.
[[nodiscard]] Result<Inventory> load_inventory(const std::string& path);

// The format of an inventory: .yml/.yaml is YAML, .ini/.cfg is INI, otherwise by its first line.
[[nodiscard]] InventoryFormat detect_inventory_format(const std::string& path,
                                                      std::string_view text);

// Ansible's YAML format rather than forja's: the top level has `all:`, or every top-level value
// is empty or a mapping of hosts:/children:/vars: only (Ansible's top-level keys are groups).
[[nodiscard]] bool is_ansible_yaml(const YAML::Node& root);
[[nodiscard]] Result<Inventory> parse_ansible_yaml_inventory(const YamlDoc& doc);

// Parse inventory text; `path` names the file in messages and anchors relative key paths.
[[nodiscard]] Result<Inventory> parse_yaml_inventory(const std::string& path,
                                                     std::string_view text);
[[nodiscard]] Result<Inventory> parse_ini_inventory(const std::string& path, std::string_view text);

}  // namespace forja
