#pragma once

// What `ansible-inventory` prints, made from a resolved inventory: --list, --host, --graph.
// Nothing here prints.

#include <string>
#include <vector>

#include "inventory/model.hpp"

namespace forja {

// A host's variables as `ansible-inventory` shows them. For forja's own YAML, whose connection
// settings are not variables, the settings that differ from the defaults are added as the
// ansible_* variables that mean the same (ansible_host, ansible_port, ansible_user, ...).
[[nodiscard]] YAML::Node ansible_hostvars(const Inventory& inv, const Host& host);

// `ansible-inventory --list`: {"_meta": {"hostvars": ...}, "all": {"children": [...]}, GROUP:
// {"hosts": [...], "children": [...]}}, empty keys and empty groups left out, as JSON indented
// by 4 with sorted keys (Python's json.dumps(indent=4, sort_keys=True)).
[[nodiscard]] std::string ansible_list_json(const Inventory& inv);

// `ansible-inventory --host NAME`: that host's variables.
[[nodiscard]] std::string ansible_host_json(const Inventory& inv, const Host& host);

// `ansible-inventory --graph [GROUP]`: "@all:", then "  |--@child:" and hosts, nested.
[[nodiscard]] std::vector<std::string> ansible_graph(const Inventory& inv,
                                                     const std::string& group = "all");

// JSON text of a node with typed scalars (typed_value.hpp), as Python's json.dumps(indent=4,
// sort_keys=True, ensure_ascii=False) writes it; `level` is the current indentation level.
[[nodiscard]] std::string python_json(const YAML::Node& node, int level = 0);

}  // namespace forja
