#pragma once

#include <string>
#include <string_view>

#include "inventory/model.hpp"
#include "util/error.hpp"

namespace forja {

enum class InventoryFormat { yaml, ini };

// Load an inventory file, YAML or Ansible INI, and resolve it. Pure: no host is contacted.
// Every error is bad_input "FILE:LINE:COL: what" followed by the source line and a caret.
[[nodiscard]] Result<Inventory> load_inventory(const std::string& path);

// The format of an inventory: .yml/.yaml is YAML, .ini/.cfg is INI, otherwise by its first line.
[[nodiscard]] InventoryFormat detect_inventory_format(const std::string& path,
                                                      std::string_view text);

// Parse inventory text; `path` names the file in messages and anchors relative key paths.
[[nodiscard]] Result<Inventory> parse_yaml_inventory(const std::string& path,
                                                     std::string_view text);
[[nodiscard]] Result<Inventory> parse_ini_inventory(const std::string& path,
                                                    std::string_view text);

}  // namespace forja
