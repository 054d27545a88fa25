#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "inventory/model.hpp"

namespace forja {

// Text views of a resolved inventory for `forja inventory`; nothing here prints.

// A variable whose name contains "password", "secret" or "token" (any case) is shown masked.
[[nodiscard]] bool is_secret_var(std::string_view name);

// One row per host: name, address:port, user, become, groups.
[[nodiscard]] std::vector<std::string> inventory_table(const std::vector<const Host*>& hosts);

// The group tree like `ansible-inventory --graph`: @all, nested @groups, then hosts.
[[nodiscard]] std::vector<std::string> inventory_graph(const Inventory& inv);

// One host's resolved connection, groups and variables, YAML-style.
[[nodiscard]] std::vector<std::string> host_details(const Host& host);

// JSON: {"hosts": [...], "groups": [...]} for the given hosts, or one host object.
[[nodiscard]] std::string inventory_json(const Inventory& inv,
                                         const std::vector<const Host*>& hosts);
[[nodiscard]] std::string host_json(const Host& host);

}  // namespace forja
