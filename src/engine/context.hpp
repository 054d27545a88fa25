#pragma once

#include <yaml-cpp/yaml.h>

#include "inventory/model.hpp"
#include "playbook/model.hpp"

namespace forja {

// The variables a host's states and templates see: playbook vars < inventory vars (defaults,
// groups, host), plus `inventory_hostname`, `host` {name, address}, `facts`, and `groups`:
// for each inventory group a list of its hosts as {name, address, vars...} (so a balancer's
// template can list the web group's addresses).
[[nodiscard]] YAML::Node host_context(const Playbook& book, const Inventory& inventory,
                                      const Host& host, const YAML::Node& facts);

}  // namespace forja
