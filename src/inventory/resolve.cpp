#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "inventory/raw.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

namespace fs = std::filesystem;

// Copy the top-level keys of `layer` into `into`; a later layer replaces a whole value.
void merge_vars(YAML::Node& into, const YAML::Node& layer) {
  if (!layer.IsMap()) return;
  for (const auto& kv : layer) into[kv.first.Scalar()] = YAML::Clone(kv.second);
}

class Resolver {
 public:
  explicit Resolver(RawInventory raw) : m_raw(std::move(raw)) {}

  Result<Inventory> run() {
    if (auto r = index_names(); !r) return std::unexpected(r.error());
    if (auto r = check_references(); !r) return std::unexpected(r.error());
    for (std::size_t g = 0; g < m_raw.groups.size(); ++g)
      if (auto r = check_cycles(g); !r) return std::unexpected(r.error());
    return build();
  }

 private:
  std::unexpected<Error> error(const SourceLocation& at, const std::string& what) const {
    return located_error(at, what, m_raw.lines);
  }

  Result<void> index_names() {
    if (m_raw.hosts.empty()) {
      return error(m_raw.hosts_where,
                   "no hosts defined; an inventory needs at least one host, e.g.\n"
                   "  hosts:\n    web1: {address: 10.0.0.11}");
    }
    for (std::size_t i = 0; i < m_raw.hosts.size(); ++i) {
      const auto& h = m_raw.hosts[i];
      if (!valid_name(h.name)) {
        return error(h.where, "invalid host name '" + h.name +
                                  "': use letters, digits, '.', '_' and '-' only");
      }
      auto [it, fresh] = m_host_index.emplace(h.name, i);
      if (!fresh) {
        return error(h.where, "duplicate host '" + h.name + "' (first defined at " +
                                  m_raw.hosts[it->second].where.str() + ")");
      }
      m_host_names.push_back(h.name);
    }
    for (std::size_t i = 0; i < m_raw.groups.size(); ++i) {
      const auto& g = m_raw.groups[i];
      if (g.name == "all") {
        return error(g.where,
                     "'all' is the implicit group of every host; put settings for "
                     "every host under 'defaults:'");
      }
      if (!valid_name(g.name)) {
        return error(g.where, "invalid group name '" + g.name +
                                  "': use letters, digits, '.', '_' and '-' only");
      }
      if (auto h = m_host_index.find(g.name); h != m_host_index.end()) {
        return error(g.where, "group '" + g.name + "' has the same name as a host (" +
                                  m_raw.hosts[h->second].where.str() +
                                  "); patterns could not tell them apart");
      }
      auto [it, fresh] = m_group_index.emplace(g.name, i);
      if (!fresh) {
        return error(g.where, "duplicate group '" + g.name + "' (first defined at " +
                                  m_raw.groups[it->second].where.str() + ")");
      }
      m_group_names.push_back(g.name);
    }
    return {};
  }

  Result<void> check_references() {
    m_parents.assign(m_raw.groups.size(), {});
    m_host_groups.assign(m_raw.hosts.size(), {});
    for (std::size_t gi = 0; gi < m_raw.groups.size(); ++gi) {
      const auto& g = m_raw.groups[gi];
      std::set<std::string> seen;
      for (const auto& ref : g.hosts) {
        auto it = m_host_index.find(ref.name);
        if (it == m_host_index.end()) {
          std::string hint = did_you_mean(ref.name, m_host_names);
          if (hint.empty() && m_group_index.contains(ref.name))
            hint = " ('" + ref.name + "' is a group: list it under 'children')";
          return error(ref.where,
                       "group '" + g.name + "' lists unknown host '" + ref.name + "'" + hint);
        }
        if (!seen.insert(ref.name).second) {
          return error(ref.where, "group '" + g.name + "' lists host '" + ref.name + "' twice");
        }
        m_host_groups[it->second].push_back(gi);
      }
      seen.clear();
      for (const auto& ref : g.children) {
        auto it = m_group_index.find(ref.name);
        if (it == m_group_index.end()) {
          std::string hint = did_you_mean(ref.name, m_group_names);
          if (hint.empty() && m_host_index.contains(ref.name))
            hint = " ('" + ref.name + "' is a host: list it under 'hosts')";
          return error(ref.where,
                       "group '" + g.name + "' has unknown child group '" + ref.name + "'" + hint);
        }
        if (!seen.insert(ref.name).second) {
          return error(ref.where,
                       "group '" + g.name + "' lists child group '" + ref.name + "' twice");
        }
        m_parents[it->second].push_back(gi);
      }
    }
    return {};
  }

  // Depth-first over children; a child already on the path closes a cycle, and a path longer
  // than k_max_group_depth is an error too (so this recursion, and later ones, stay shallow).
  Result<void> check_cycles(std::size_t g) {
    if (m_state.empty()) m_state.assign(m_raw.groups.size(), 0);
    if (m_height.empty()) m_height.assign(m_raw.groups.size(), 1);
    if (m_state[g] == 2) return {};
    m_state[g] = 1;
    m_path.push_back(g);
    for (const auto& ref : m_raw.groups[g].children) {
      std::size_t c = m_group_index.at(ref.name);
      if (m_state[c] == 1) {
        std::string cycle;
        auto start = std::find(m_path.begin(), m_path.end(), c);
        for (auto it = start; it != m_path.end(); ++it) cycle += m_raw.groups[*it].name + " -> ";
        return error(ref.where, "group cycle: " + cycle + ref.name);
      }
      if (m_state[c] == 0 && m_path.size() < k_max_group_depth) {
        if (auto r = check_cycles(c); !r) return r;
      }
      // The longest chain through this child: the path so far, then the child's own height.
      if (m_state[c] == 0 || m_path.size() + m_height[c] > k_max_group_depth) {
        return error(ref.where, "groups nested more than " + std::to_string(k_max_group_depth) +
                                    " levels deep (" + m_raw.groups[m_path.front()].name +
                                    " -> ... -> " + m_raw.groups[g].name + " -> " + ref.name +
                                    " -> ...)");
      }
      m_height[g] = std::max(m_height[g], m_height[c] + 1);
    }
    m_path.pop_back();
    m_state[g] = 2;
    return {};
  }

  // 1 for a group with no parent, else one more than its deepest parent.
  int depth(std::size_t g) {
    if (m_depth.empty()) m_depth.assign(m_raw.groups.size(), 0);
    if (m_depth[g] > 0) return m_depth[g];
    int d = 1;
    for (auto p : m_parents[g]) d = std::max(d, depth(p) + 1);
    return m_depth[g] = d;
  }

  void add_with_ancestors(std::size_t g, std::set<std::size_t>& out) {
    if (!out.insert(g).second) return;
    for (auto p : m_parents[g]) add_with_ancestors(p, out);
  }

  Inventory build() {
    Inventory inv;
    inv.path = m_raw.path;
    Group all;
    all.name = "all";
    all.vars = m_raw.vars.IsMap() ? YAML::Clone(m_raw.vars) : YAML::Node(YAML::NodeType::Map);
    inv.group_order.push_back("all");
    for (std::size_t gi = 0; gi < m_raw.groups.size(); ++gi) {
      const auto& rg = m_raw.groups[gi];
      Group g;
      g.name = rg.name;
      for (const auto& ref : rg.hosts) g.hosts.push_back(ref.name);
      for (const auto& ref : rg.children) g.children.push_back(ref.name);
      g.vars = rg.vars.IsMap() ? YAML::Clone(rg.vars) : YAML::Node(YAML::NodeType::Map);
      g.where = rg.where;
      if (m_parents[gi].empty()) all.children.push_back(rg.name);
      inv.group_order.push_back(rg.name);
      inv.groups.emplace(rg.name, std::move(g));
    }
    for (std::size_t hi = 0; hi < m_raw.hosts.size(); ++hi) {
      const auto& rh = m_raw.hosts[hi];
      std::set<std::size_t> member;
      for (auto g : m_host_groups[hi]) add_with_ancestors(g, member);
      std::vector<std::size_t> order(member.begin(), member.end());
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return depth(a) != depth(b) ? depth(a) < depth(b) : a < b;
      });
      Host h;
      h.name = rh.name;
      h.where = rh.where;
      h.connection.address = rh.name;
      h.vars = YAML::Node(YAML::NodeType::Map);
      h.groups.push_back("all");
      m_raw.defaults.apply_to(h.connection);
      merge_vars(h.vars, m_raw.vars);
      for (auto g : order) {
        m_raw.groups[g].settings.apply_to(h.connection);
        merge_vars(h.vars, m_raw.groups[g].vars);
        h.groups.push_back(m_raw.groups[g].name);
      }
      rh.settings.apply_to(h.connection);
      merge_vars(h.vars, rh.vars);
      if (m_host_groups[hi].empty()) all.hosts.push_back(rh.name);
      inv.hosts.push_back(std::move(h));
    }
    inv.groups.emplace("all", std::move(all));
    return inv;
  }

  RawInventory m_raw;
  std::map<std::string, std::size_t> m_host_index;
  std::map<std::string, std::size_t> m_group_index;
  std::vector<std::string> m_host_names;
  std::vector<std::string> m_group_names;
  std::vector<std::vector<std::size_t>> m_parents;      // per group: groups listing it as a child
  std::vector<std::vector<std::size_t>> m_host_groups;  // per host: groups listing it directly
  std::vector<int> m_state;                             // cycle check: 0 new, 1 on path, 2 done
  std::vector<std::size_t> m_height;                    // groups in the longest chain from here
  std::vector<std::size_t> m_path;
  std::vector<int> m_depth;
};

}  // namespace

void ConnectionSettings::apply_to(Connection& c) const {
  if (address) c.address = *address;
  if (port) c.port = *port;
  if (user) c.user = *user;
  if (key_file) c.key_file = *key_file;
  if (known_hosts) c.known_hosts = *known_hosts;
  if (password_env) c.password_env = *password_env;
  if (become) c.become = *become;
  if (become_user) c.become_user = *become_user;
  if (become_password_env) c.become_password_env = *become_password_env;
  if (connect_timeout) c.connect_timeout = *connect_timeout;
}

bool valid_address(std::string_view address) {
  return !address.empty() && std::none_of(address.begin(), address.end(), [](char ch) {
    return static_cast<unsigned char>(ch) <= ' ' || ch == '\x7f';
  });
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '.' || ch == '_' || ch == '-';
  });
}

std::string resolve_inventory_path(const std::string& value, const std::string& inventory_path) {
  if (value.empty()) return value;
  if (value == "~" || starts_with(value, "~/")) {
    const char* home = std::getenv("HOME");
    if (home && *home) return std::string(home) + value.substr(1);
    return value;
  }
  fs::path p(value);
  if (p.is_absolute()) return value;
  std::error_code ec;  // no current directory, a name too long: keep the path as written
  fs::path base = fs::absolute(fs::path(inventory_path), ec).parent_path();
  if (ec) return value;
  return (base / p).lexically_normal().string();
}

Result<Inventory> resolve_inventory(RawInventory raw) { return Resolver(std::move(raw)).run(); }

}  // namespace forja
