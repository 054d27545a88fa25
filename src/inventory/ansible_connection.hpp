#pragma once

// How forja connects to a host read with Ansible's rules: from its flattened variables
// (ansible_host, ansible_port, ansible_user, ansible_become, ..., forja_known_hosts, ...).

#include <optional>
#include <string>
#include <vector>

#include "inventory/ansible_raw.hpp"

namespace forja {

// The connection for `host` from its merged variables; a bad value is a located error at the
// line that set it.
[[nodiscard]] Result<Connection> connection_from_ansible_vars(
    const std::string& host, const AnsibleVars& vars, const std::string& path,
    const std::vector<std::string>& lines);

// Why forja ignores this ansible_* variable ("" when forja honours it or it is not Ansible's).
[[nodiscard]] std::string ignored_ansible_key(const std::string& key, const YAML::Node& value);

// Ansible's boolean(): yes/no, true/false, on/off, y/n, t/f, 1/0 in any case, or a typed value.
[[nodiscard]] std::optional<bool> ansible_boolean(const YAML::Node& value);

}  // namespace forja
