#include "cli/extra_vars.hpp"

#include <algorithm>

#include "util/yaml.hpp"

namespace forja {

namespace {

// A variable name a template can look up: no blanks, no dots (a dot reads inside a map).
bool valid_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

Result<void> merge_file(const std::string& path, YAML::Node& into) {
  if (path.empty()) return bad_input("-e @: a file name must follow '@' (-e @vars.yml)");
  auto doc = load_yaml_file(path);
  if (!doc) return std::unexpected(doc.error());
  const auto& root = doc->root();
  if (root.IsNull()) return {};
  if (!root.IsMap()) return doc->error(root, "-e @" + path + ": expected a map of variables");
  for (const auto& kv : root) into[kv.first.Scalar()] = YAML::Clone(kv.second);
  return {};
}

}  // namespace

Result<YAML::Node> parse_extra_vars(const std::vector<std::string>& arguments) {
  YAML::Node vars(YAML::NodeType::Map);
  for (const auto& a : arguments) {
    if (a.starts_with("@")) {
      if (auto r = merge_file(a.substr(1), vars); !r) return std::unexpected(r.error());
      continue;
    }
    const auto eq = a.find('=');
    if (eq == std::string::npos) {
      return bad_input("-e " + a + ": expected KEY=VALUE or @FILE.yml");
    }
    const auto name = a.substr(0, eq);
    if (!valid_name(name)) {
      return bad_input("-e " + a + ": '" + name +
                       "' is not a variable name (letters, digits, '_' and '-')");
    }
    vars[name] = a.substr(eq + 1);
  }
  return vars;
}

}  // namespace forja
