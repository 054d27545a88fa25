#pragma once

#include <yaml-cpp/yaml.h>

#include "inventory/model.hpp"
#include "playbook/model.hpp"

namespace forja {

// What every host's context shares: `groups`, for each inventory group a list of its hosts as
// {name, address, vars...} (so a balancer's template can list the web group's addresses).
// Built once per run: a host's context refers to it, never copies it.
[[nodiscard]] YAML::Node shared_context(const Playbook& book, const Inventory& inventory);

// The variables a host's states and templates see: playbook vars < inventory vars (defaults,
// groups, host), plus `inventory_hostname`, `host` {name, address}, `facts`, and the shared
// `groups`.
[[nodiscard]] YAML::Node host_context(const Playbook& book, const Host& host,
                                      const YAML::Node& facts, const YAML::Node& shared);

// The same, building the shared part for this one call (one host, or tests).
[[nodiscard]] YAML::Node host_context(const Playbook& book, const Inventory& inventory,
                                      const Host& host, const YAML::Node& facts);

}  // namespace forja
