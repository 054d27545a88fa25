#pragma once

// What the Ansible-format readers (INI, Ansible's YAML) build: groups and hosts as Ansible's
// InventoryData holds them, every variable typed and located. Internal to inventory/.

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "inventory/model.hpp"
#include "inventory/raw.hpp"

namespace forja {

// One variable as a file set it.
struct AnsibleVar {
  YAML::Node value;
  SourceLocation where;      // the value: errors about what it holds
  SourceLocation key_where;  // the key: errors about the key itself (a refused password)
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
  std::vector<std::string> hosts;  // direct members, first mention first
  std::vector<NameRef> children;   // child groups, first mention first, where it was made
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
  // Make `child` a child of `parent` once. Cycles and chains deeper than k_max_group_depth
  // are found by the resolver, in one walk (a check per edge here would be quadratic).
  void add_child(const std::string& parent, const std::string& child, const SourceLocation& where);

  [[nodiscard]] std::unexpected<Error> error(const SourceLocation& at,
                                             const std::string& what) const;

  std::string path;
  std::vector<std::string> lines;
  std::vector<AnsibleHost> hosts;
  std::vector<AnsibleGroup> groups;
  std::vector<std::string> warnings;  // the reader's own, "FILE:LINE:COL: warning: ..."

 private:
  std::map<std::string, std::size_t> m_group_index;
  std::map<std::string, std::size_t> m_host_index;
  // (group index, host or child name) already recorded: a group of 100,000 hosts is no
  // quadratic scan of its list.
  std::set<std::pair<std::size_t, std::string>> m_members;
  std::set<std::pair<std::size_t, std::string>> m_edges;
};

// Flatten as Ansible does: a host's variables merge `all`, then its groups by (depth,
// ansible_group_priority, name), then its own; connection settings come from the merged
// variables (ansible_host, ansible_port, ...). Warns about ansible_* keys forja ignores.
// A cycle of children, or a chain deeper than k_max_group_depth, is a located error at the
// child entry that closes or overdeepens it.
[[nodiscard]] Result<Inventory> resolve_ansible_inventory(AnsibleRawInventory raw);

}  // namespace forja
