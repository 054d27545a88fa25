#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forja {

// A pip requirement like "flask>=2.0,<3" split into its normalised name and constraints.
struct Requirement {
  std::string name;  // PEP 503 normalised: lower case, runs of -_. become -
  std::vector<std::pair<std::string, std::string>> constraints;  // {"==", "2.2.2"}, {">=", "2"}
  std::string text;  // as written
};

[[nodiscard]] std::optional<Requirement> parse_requirement(std::string_view spec);
[[nodiscard]] std::string normalize_package_name(std::string_view name);
// Compare dotted versions numerically, component by component (1.10 > 1.9); -1, 0 or 1.
[[nodiscard]] int compare_versions(std::string_view a, std::string_view b);
[[nodiscard]] bool satisfies(const std::string& version, const Requirement& requirement);

// What the virtualenv probe saw.
struct VenvStatus {
  bool exists = false;
  std::string system_site;                       // "true"/"false" from pyvenv.cfg
  std::map<std::string, std::string> installed;  // normalised name -> version (incl. system site)
  std::string requirements_sha;                  // of the requirements file now
  std::string recorded_sha;                      // recorded after the last successful install
};

[[nodiscard]] VenvStatus parse_venv_probe(std::string_view out);

}  // namespace forja
