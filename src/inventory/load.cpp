#include "inventory/load.hpp"

#include <filesystem>

#include "util/input_file.hpp"
#include "util/text.hpp"

namespace forja {

InventoryFormat detect_inventory_format(const std::string& path, std::string_view text) {
  auto ext = std::filesystem::path(path).extension().string();
  if (ext == ".yml" || ext == ".yaml") return InventoryFormat::yaml;
  if (ext == ".ini" || ext == ".cfg") return InventoryFormat::ini;
  // By content: YAML starts with "---" or "key:"; INI with "[section]" or a host line.
  for (const auto& raw : split_lines(text)) {
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (starts_with(line, "---")) return InventoryFormat::yaml;
    if (line[0] == '[') return InventoryFormat::ini;
    auto colon = line.find(':');
    bool key = colon != std::string::npos && (colon + 1 == line.size() || line[colon + 1] == ' ');
    return key && line.find('=') == std::string::npos ? InventoryFormat::yaml
                                                      : InventoryFormat::ini;
  }
  return InventoryFormat::yaml;
}

Result<Inventory> load_inventory(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return bad_input(path + ": is a directory; pass an inventory file (e.g. inventories/lab.yml)");
  }
  auto read = read_input_file(path, "inventory");
  if (!read) return std::unexpected(read.error());
  const std::string& text = *read;
  if (trim(text).empty()) {
    return bad_input(path + ": the inventory is empty; it needs at least 'hosts:' with one host");
  }
  return detect_inventory_format(path, text) == InventoryFormat::yaml
             ? parse_yaml_inventory(path, text)
             : parse_ini_inventory(path, text);
}

}  // namespace forja
