// Ansible's inventory rules: group depth and order, `ungrouped`, variables flattened per host.
#include <algorithm>
#include <set>
#include <tuple>

#include "inventory/ansible_connection.hpp"
#include "inventory/ansible_raw.hpp"
#include "inventory/raw.hpp"
#include "inventory/typed_value.hpp"
#include "util/text.hpp"

namespace forja {

AnsibleRawInventory::AnsibleRawInventory(std::string p, std::vector<std::string> l)
    : path(std::move(p)), lines(std::move(l)) {
  group("all", {path, 1, 1});
  group("ungrouped", {path, 1, 1});
}

AnsibleGroup& AnsibleRawInventory::group(const std::string& name, const SourceLocation& where) {
  auto [it, fresh] = m_group_index.emplace(name, groups.size());
  if (fresh) groups.push_back(AnsibleGroup{name, where, {}, {}, {}});
  return groups[it->second];
}

bool AnsibleRawInventory::has_group(const std::string& name) const {
  return m_group_index.contains(name);
}

AnsibleHost& AnsibleRawInventory::host(const std::string& name, const SourceLocation& where,
                                       int port) {
  auto [it, fresh] = m_host_index.emplace(name, hosts.size());
  if (fresh) {
    hosts.push_back(AnsibleHost{name, where, {}});
    if (port > 0)
      hosts.back().vars["ansible_port"] = {int_node(std::to_string(port)), where, where};
  }
  return hosts[it->second];
}

void AnsibleRawInventory::add_host_to_group(const std::string& g, const std::string& h) {
  const std::size_t i = m_group_index.at(g);
  if (m_members.emplace(i, h).second) groups[i].hosts.push_back(h);
}

void AnsibleRawInventory::add_child(const std::string& parent, const std::string& child,
                                    const SourceLocation& where) {
  const std::size_t p = m_group_index.at(parent);
  m_group_index.at(child);  // both exist: the readers create groups before naming them
  if (m_edges.emplace(p, child).second) groups[p].children.push_back({child, where});
}

std::unexpected<Error> AnsibleRawInventory::error(const SourceLocation& at,
                                                  const std::string& what) const {
  return located_error(at, what, lines);
}

namespace {

class AnsibleResolver {
 public:
  explicit AnsibleResolver(AnsibleRawInventory raw) : m_raw(std::move(raw)) {}

  Result<Inventory> run() {
    for (std::size_t g = 0; g < m_raw.groups.size(); ++g) m_index.emplace(m_raw.groups[g].name, g);
    if (auto r = check_names(); !r) return std::unexpected(r.error());
    m_state.assign(m_raw.groups.size(), Visit::fresh);
    m_height.assign(m_raw.groups.size(), 1);
    for (std::size_t g = 0; g < m_raw.groups.size(); ++g)
      if (auto r = check_nesting(g); !r) return std::unexpected(r.error());
    m_parents.assign(m_raw.groups.size(), {});
    for (std::size_t g = 0; g < m_raw.groups.size(); ++g)
      for (const auto& c : m_raw.groups[g].children) m_parents[m_index.at(c.name)].push_back(g);
    m_depth.assign(m_raw.groups.size(), -1);
    for (std::size_t g = 0; g < m_raw.groups.size(); ++g) depth(g);
    warn_about_keys();
    return build();
  }

 private:
  Result<void> check_names() {
    std::set<std::string> host_names;
    for (const auto& h : m_raw.hosts) {
      if (!valid_address(h.name)) {
        return m_raw.error(h.where, "invalid host name '" + h.name +
                                        "': a host name has no blanks or control characters");
      }
      host_names.insert(h.name);
    }
    for (const auto& g : m_raw.groups) {
      if (!valid_name(g.name)) {
        return m_raw.error(g.where, "invalid group name '" + g.name +
                                        "': use letters, digits, '.', '_' and '-' only");
      }
      if (host_names.contains(g.name) && g.name != "all" && g.name != "ungrouped") {
        return m_raw.error(g.where, "group '" + g.name +
                                        "' has the same name as a host; patterns could not tell "
                                        "them apart");
      }
    }
    return {};
  }

  // Depth-first over children, each group walked once: a child already on the path closes a
  // cycle; a path longer than k_max_group_depth is an error too, so the recursion here and in
  // the walks after it stays shallow.
  Result<void> check_nesting(std::size_t g) {
    if (m_state[g] == Visit::done) return {};
    m_state[g] = Visit::on_path;
    m_path.push_back(g);
    for (const auto& ref : m_raw.groups[g].children) {
      const std::size_t c = m_index.at(ref.name);
      if (m_state[c] == Visit::on_path) {
        std::string cycle;
        auto start = std::find(m_path.begin(), m_path.end(), c);
        for (auto it = start; it != m_path.end(); ++it) cycle += m_raw.groups[*it].name + " -> ";
        return m_raw.error(ref.where, "group cycle: " + cycle + ref.name);
      }
      if (m_state[c] == Visit::fresh && m_path.size() < k_max_group_depth) {
        if (auto r = check_nesting(c); !r) return r;
      }
      // The longest chain through this child: the path so far, then the child's own height.
      if (m_state[c] == Visit::fresh || m_path.size() + m_height[c] > k_max_group_depth) {
        return m_raw.error(ref.where, "groups nested more than " +
                                          std::to_string(k_max_group_depth) + " levels deep (" +
                                          m_raw.groups[m_path.front()].name + " -> ... -> " +
                                          m_raw.groups[g].name + " -> " + ref.name + " -> ...)");
      }
      m_height[g] = std::max(m_height[g], m_height[c] + 1);
    }
    m_path.pop_back();
    m_state[g] = Visit::done;
    return {};
  }

  // Ansible's depth: 0 for all, else one more than the deepest parent (1 without parents).
  // Chains are at most k_max_group_depth long here (check_nesting ran first).
  int depth(std::size_t g) {
    if (m_depth[g] >= 0) return m_depth[g];
    int d = g == 0 ? 0 : 1;
    for (auto p : m_parents[g]) d = std::max(d, depth(p) + 1);
    return m_depth[g] = d;
  }

  int priority(std::size_t g) const {
    auto it = m_raw.groups[g].vars.find("ansible_group_priority");
    if (it == m_raw.groups[g].vars.end() || !it->second.value.IsScalar()) return 1;
    try {
      return std::stoi(it->second.value.Scalar());
    } catch (...) {
      return 1;
    }
  }

  void add_ancestors(std::size_t g, std::set<std::size_t>& out) const {
    if (!out.insert(g).second) return;
    for (auto p : m_parents[g]) add_ancestors(p, out);
  }

  void warn_about_keys() {
    std::set<std::pair<std::string, std::string>> seen;
    auto scan = [&](const AnsibleVars& vars) {
      for (const auto& [key, var] : vars) {
        auto why = ignored_ansible_key(key, var.value);
        if (why.empty() || !seen.emplace(key, var.where.str()).second) continue;
        m_warnings.push_back(var.where.str() + ": warning: " + why);
      }
    };
    for (const auto& g : m_raw.groups) scan(g.vars);
    for (const auto& h : m_raw.hosts) scan(h.vars);
  }

  Result<Inventory> build() {
    Inventory inv;
    inv.path = m_raw.path;
    inv.dialect = InventoryDialect::ansible;
    inv.warnings = m_raw.warnings;
    inv.warnings.insert(inv.warnings.end(), m_warnings.begin(), m_warnings.end());
    // Direct memberships; a host's groups with their ancestors.
    std::map<std::string, std::vector<std::size_t>> direct;
    for (std::size_t g = 0; g < m_raw.groups.size(); ++g)
      for (const auto& h : m_raw.groups[g].hosts) direct[h].push_back(g);
    const std::size_t ungrouped = m_index.at("ungrouped");
    // `ungrouped`: its own members that are in no other group, then hosts in no group at all.
    std::vector<std::string> ungrouped_hosts;
    std::set<std::string> is_ungrouped;  // the same, to look up (100,000 hosts may be there)
    auto only_all_or_ungrouped = [&](const std::string& h) {
      std::set<std::size_t> in;
      for (auto g : direct[h]) add_ancestors(g, in);
      return std::all_of(in.begin(), in.end(),
                         [&](std::size_t g) { return g == 0 || g == ungrouped; });
    };
    for (const auto& h : m_raw.groups[ungrouped].hosts)
      if (only_all_or_ungrouped(h) && is_ungrouped.insert(h).second) ungrouped_hosts.push_back(h);
    for (const auto& h : m_raw.hosts) {
      if (!is_ungrouped.contains(h.name) && only_all_or_ungrouped(h.name)) {
        is_ungrouped.insert(h.name);
        ungrouped_hosts.push_back(h.name);
      }
    }
    // `all`: the groups named under [all:children], then every group without a parent.
    // `ungrouped` is all's first child from the start, as in Ansible's InventoryData.
    std::vector<std::string> top{"ungrouped"};
    for (const auto& c : m_raw.groups[0].children)
      if (c.name != "ungrouped") top.push_back(c.name);
    for (std::size_t g = 2; g < m_raw.groups.size(); ++g) {
      if (m_parents[g].empty()) top.push_back(m_raw.groups[g].name);
    }
    for (std::size_t g = 0; g < m_raw.groups.size(); ++g) {
      const auto& rg = m_raw.groups[g];
      Group out;
      out.name = rg.name;
      out.where = rg.where;
      out.vars = YAML::Node(YAML::NodeType::Map);
      for (const auto& [k, v] : rg.vars) out.vars[k] = v.value;
      if (g == 0) {
        out.children = top;
      } else {
        for (const auto& c : rg.children) out.children.push_back(c.name);
      }
      out.hosts = g == 0 ? std::vector<std::string>{} : g == ungrouped ? ungrouped_hosts : rg.hosts;
      inv.group_order.push_back(rg.name);
      inv.groups.emplace(rg.name, std::move(out));
    }
    for (const auto& rh : m_raw.hosts) {
      std::set<std::size_t> member{0};
      for (auto g : direct[rh.name]) add_ancestors(g, member);
      if (is_ungrouped.contains(rh.name)) member.insert(ungrouped);
      std::vector<std::size_t> order(member.begin(), member.end());
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::tuple(m_depth[a], priority(a), m_raw.groups[a].name) <
               std::tuple(m_depth[b], priority(b), m_raw.groups[b].name);
      });
      AnsibleVars merged;
      Host h;
      h.name = rh.name;
      h.where = rh.where;
      for (auto g : order) {
        h.groups.push_back(m_raw.groups[g].name);
        for (const auto& [k, v] : m_raw.groups[g].vars) merged[k] = v;
      }
      for (const auto& [k, v] : rh.vars) merged[k] = v;
      h.vars = YAML::Node(YAML::NodeType::Map);
      for (const auto& [k, v] : merged) h.vars[k] = YAML::Clone(v.value);
      auto connection = connection_from_ansible_vars(h.name, merged, m_raw.path, m_raw.lines);
      if (!connection) return std::unexpected(connection.error());
      h.connection = *connection;
      inv.hosts.push_back(std::move(h));
    }
    return inv;
  }

  enum class Visit { fresh, on_path, done };

  AnsibleRawInventory m_raw;
  std::map<std::string, std::size_t> m_index;
  std::vector<Visit> m_state;
  std::vector<std::size_t> m_height;  // the longest chain from a group down, in groups
  std::vector<std::size_t> m_path;    // the walk's current chain of groups
  std::vector<std::vector<std::size_t>> m_parents;
  std::vector<int> m_depth;
  std::vector<std::string> m_warnings;
};

}  // namespace

Result<Inventory> resolve_ansible_inventory(AnsibleRawInventory raw) {
  return AnsibleResolver(std::move(raw)).run();
}

}  // namespace forja
