#include "lab/lab_file.hpp"

#include <filesystem>

#include "util/yaml.hpp"

namespace forja::lab {

namespace {

Result<std::vector<PackageSpec>> specs_of(const Result<YamlDoc>& doc) {
  if (!doc) return std::unexpected(doc.error());
  const auto& root = doc->root();
  if (auto keys = doc->check_keys(root, {"packages"}, "the lab file"); !keys) {
    return std::unexpected(keys.error());
  }
  auto base_dir = std::filesystem::absolute(doc->path()).parent_path();
  auto list = lookup(root, "packages");
  std::vector<YAML::Node> items;
  if (list.IsScalar()) {
    items.push_back(list);
  } else if (list.IsSequence()) {
    for (const auto& item : list) items.push_back(item);
  } else if (list.IsDefined() && !list.IsNull()) {
    return doc->error(list, "'packages': expected a list of package names");
  }
  std::vector<PackageSpec> specs;
  for (const auto& item : items) {
    auto word = doc->as_string(item, "a package");
    if (!word) return std::unexpected(word.error());
    auto spec = parse_package_spec(*word, base_dir);
    if (!spec) return doc->error(item, spec.error().message);
    spec->origin = doc->where(item).str();
    specs.push_back(std::move(*spec));
  }
  return specs;
}

}  // namespace

Result<std::vector<PackageSpec>> parse_lab_file(const std::string& path, std::string_view text) {
  return specs_of(parse_yaml(path, text));
}

Result<std::vector<PackageSpec>> load_lab_file(const std::string& path) {
  return specs_of(load_yaml_file(path));
}

}  // namespace forja::lab
