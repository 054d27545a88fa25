#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "inventory/model.hpp"
#include "playbook/model.hpp"
#include "util/error.hpp"

namespace forja {

// What every host's templates see alike: `groups`, for each inventory group a list of its hosts
// as {name, address, vars...} (so a balancer's template can list the web group's addresses),
// and `group_size`, for each group its number of hosts (Consul's bootstrap_expect).
// The engine builds it once per run and converts it once (template/render.hpp
// SharedTemplateData): hosts never copy it.
[[nodiscard]] YAML::Node shared_context(const Playbook& book, const Inventory& inventory);

// A host's own variables: playbook vars < inventory vars (defaults, groups, host) < extra vars
// (-e), plus `inventory_hostname`, `host` {name, address} and `facts`.
[[nodiscard]] YAML::Node host_context(const Playbook& book, const Host& host,
                                      const YAML::Node& facts);

// Both in one map (one host at a time: verify, tests).
[[nodiscard]] YAML::Node host_context(const Playbook& book, const Inventory& inventory,
                                      const Host& host, const YAML::Node& facts);

// The items of a `loop:` in a host's context: a literal list as it is, or the list the one
// variable it names ({{web_replicas}}, {{users.admins}}) holds there (null: no items). Errors
// start with `where` (file:line:col and what loops).
[[nodiscard]] Result<std::vector<YAML::Node>> loop_list(const YAML::Node& loop, const std::string& where,
                                                        const YAML::Node& context);

}  // namespace forja
