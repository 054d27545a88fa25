#pragma once

// What the Ansible-format readers (INI, Ansible's YAML) build: groups and hosts as Ansible's
// InventoryData holds them, every variable typed and located. Internal to inventory/.

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "inventory/model.hpp"

namespace forja {

// One variable as a file set it.
struct AnsibleVar {
  YAML::Node value;
  SourceLocation where;
};
using AnsibleVars = std::map<std::string, AnsibleVar>;

struct AnsibleHost {
  std::string name;
  SourceLocation where;
  AnsibleVars vars;
};

struct AnsibleGroup {
  std::string name;
  SourceLocation where;
  std::vector<std::string> hosts;     // direct members, first mention first
  std::vector<std::string> children;  // child groups, first mention first
  AnsibleVars vars;
};

// Groups and hosts in creation order; "all" and "ungrouped" exist from the start.
class AnsibleRawInventory {
 public:
  AnsibleRawInventory(std::string path, std::vector<std::string> lines);

  // The group, created when new.
  AnsibleGroup& group(const std::string& name, const SourceLocation& where);
  [[nodiscard]] bool has_group(const std::string& name) const;
  // The host, created when new; a port applies only when the host is created (as in Ansible).
  AnsibleHost& host(const std::string& name, const SourceLocation& where, int port = 0);
  // Put a host in a group once.
  void add_host_to_group(const std::string& group, const std::string& host);
  // Make `child` a child of `parent` once; a cycle is a located error.
  [[nodiscard]] Result<void> add_child(const std::string& parent, const std::string& child,
                                       const SourceLocation& where);

  [[nodiscard]] std::unexpected<Error> error(const SourceLocation& at,
                                             const std::string& what) const;

  std::string path;
  std::vector<std::string> lines;
  std::vector<AnsibleHost> hosts;
  std::vector<AnsibleGroup> groups;
  std::vector<std::string> warnings;  // the reader's own, "FILE:LINE:COL: warning: ..."

 private:
  [[nodiscard]] bool reaches(std::size_t from, std::size_t to) const;
  std::map<std::string, std::size_t> m_group_index;
  std::map<std::string, std::size_t> m_host_index;
};

// Flatten as Ansible does: a host's variables merge `all`, then its groups by (depth,
// ansible_group_priority, name), then its own; connection settings come from the merged
// variables (ansible_host, ansible_port, ...). Warns about ansible_* keys forja ignores.
[[nodiscard]] Result<Inventory> resolve_ansible_inventory(AnsibleRawInventory raw);

}  // namespace forja
