#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace forja {

// A pip requirement like "flask>=2.0,<3" split into its normalised name and constraints.
struct Requirement {
  std::string name;  // PEP 503 normalised: lower case, runs of -_. become -
  std::vector<std::pair<std::string, std::string>> constraints;  // {"==", "2.2.2"}, {">=", "2"}
  std::string text;  // as written
};

// A requirement spec ("name[extras] OP VERSION, ..."); nullopt for what pip alone can judge
// (URLs, environment markers) or malformed text.
[[nodiscard]] std::optional<Requirement> parse_requirement(std::string_view spec);
[[nodiscard]] std::string normalize_package_name(std::string_view name);
// PEP 440 ordering: 1.10 > 1.9, 1.0 == 1.0.0, 2.0.dev1 < 2.0a1 < 2.0rc1 < 2.0 < 2.0.post1; -1, 0 or 1.
[[nodiscard]] int compare_versions(std::string_view a, std::string_view b);
// Whether an installed version meets every constraint (==, ===, !=, <, <=, >, >=, ~=, ==X.*).
[[nodiscard]] bool satisfies(const std::string& version, const Requirement& requirement);

// What the virtualenv probe saw.
struct VenvStatus {
  bool exists = false;
  bool venv_listed = false;  // whether the venv's python finished listing its packages
  std::string system_site;  // include-system-site-packages from pyvenv.cfg ("true"/"false"/"")
  // normalised name -> version, first on sys.path wins.
  std::map<std::string, std::string> venv_packages;    // in the venv's own site-packages
  std::map<std::string, std::string> system_packages;  // in the base interpreter's site-packages
  bool system_listed = false;  // whether system_packages was read (else: unknown)
  bool requirements_present = false;
  std::string requirements_sha;  // of the requirements file now
  std::string recorded_sha;      // recorded after the last successful install from it
};

// Parse the probe: system packages come from the venv's own listing when it sees them already,
// else from the base interpreter's (listed only when the state wants system site packages).
[[nodiscard]] VenvStatus parse_venv_probe(std::string_view out);

}  // namespace forja
