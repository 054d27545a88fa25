#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "resources/resource.hpp"

namespace forja {

// What the package probe found for one package.
struct PackageStatus {
  bool installed = false;
  std::string version;    // installed version, if installed
  std::string candidate;  // version the package manager would install ("" if unknown/none)
  bool held = false;      // apt-mark hold: apt will neither upgrade nor remove it
};

// Parse the package probe's output: dpkg-query / rpm -q lines, then candidates from apt-cache
// policy, or from dnf/yum's check-update and install simulation.
[[nodiscard]] std::map<std::string, PackageStatus> parse_package_probe(std::string_view out,
                                                                      const Platform& platform);

// Commands that install (or upgrade) `names` in one transaction; `refresh` first updates
// the package index (apt-get update; dnf --refresh; yum makecache).
[[nodiscard]] std::vector<Command> package_install_commands(const Platform& platform,
                                                            const std::vector<std::string>& names,
                                                            bool refresh);

}  // namespace forja
