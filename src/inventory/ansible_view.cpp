#include "inventory/ansible_view.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "inventory/typed_value.hpp"

namespace forja {

namespace {

std::string pad(int level) { return std::string(static_cast<std::size_t>(level) * 4, ' '); }

// Python's json string: '"', '\\' and control characters escaped, the rest as is.
std::string json_text(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string scalar_json(const YAML::Node& node) {
  switch (scalar_type(node)) {
    case ScalarType::null:
      return "null";
    case ScalarType::integer:
      return node.Scalar();
    case ScalarType::boolean:
      return node.Scalar() == "True" ? "true" : "false";
    case ScalarType::floating: {
      const std::string& t = node.Scalar();
      if (t == "inf") return "Infinity";
      if (t == "-inf") return "-Infinity";
      if (t == "nan") return "NaN";
      return t;
    }
    case ScalarType::string:
      break;
  }
  return json_text(node.Scalar());
}

// A JSON value being built (yaml-cpp nodes alias on assignment, so the output tree is plain).
struct Json {
  std::string text;  // a scalar, already JSON
  std::vector<Json> list;
  std::map<std::string, Json> map;
  enum class Kind { scalar, list, map } kind = Kind::map;
};

Json strings(const std::vector<std::string>& names) {
  Json j;
  j.kind = Json::Kind::list;
  for (const auto& n : names) j.list.push_back(Json{json_text(n), {}, {}, Json::Kind::scalar});
  return j;
}

Json from_yaml(const YAML::Node& node) {
  Json j;
  if (node.IsMap()) {
    for (const auto& kv : node) j.map[kv.first.Scalar()] = from_yaml(kv.second);
  } else if (node.IsSequence()) {
    j.kind = Json::Kind::list;
    for (const auto& item : node) j.list.push_back(from_yaml(item));
  } else {
    j.kind = Json::Kind::scalar;
    j.text = scalar_json(node);
  }
  return j;
}

std::string dump(const Json& j, int level) {
  if (j.kind == Json::Kind::scalar) return j.text;
  if (j.kind == Json::Kind::list) {
    if (j.list.empty()) return "[]";
    std::string out = "[";
    for (std::size_t i = 0; i < j.list.size(); ++i)
      out += (i ? ",\n" : "\n") + pad(level + 1) + dump(j.list[i], level + 1);
    return out + "\n" + pad(level) + "]";
  }
  if (j.map.empty()) return "{}";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : j.map) {  // std::map: sorted by bytes, as Python sorts the keys
    out += (first ? "\n" : ",\n") + pad(level + 1) + json_text(k) + ": " + dump(v, level + 1);
    first = false;
  }
  return out + "\n" + pad(level) + "}";
}

// Ansible's format_group: the group's hosts and children (empty ones left out), then each
// child not seen yet, depth first.
void format_group(const Inventory& inv, const Group& g, Json& out, std::set<std::string>& seen) {
  Json entry;
  if (g.name != "all" && !g.hosts.empty()) entry.map["hosts"] = strings(g.hosts);
  if (!g.children.empty()) entry.map["children"] = strings(g.children);
  if (!entry.map.empty()) out.map[g.name] = entry;
  for (const auto& c : g.children) {
    const Group* child = inv.find_group(c);
    if (child && seen.insert(c).second) format_group(inv, *child, out, seen);
  }
}

}  // namespace

std::string python_json(const YAML::Node& node, int level) { return dump(from_yaml(node), level); }

YAML::Node ansible_hostvars(const Inventory& inv, const Host& host) {
  YAML::Node vars(YAML::NodeType::Map);
  if (host.vars.IsMap())
    for (const auto& kv : host.vars) vars[kv.first.Scalar()] = kv.second;
  if (inv.dialect == InventoryDialect::ansible) return vars;
  const Connection& c = host.connection;
  const Connection defaults;
  if (c.address == "local") {
    vars["ansible_connection"] = "local";
  } else if (c.address != host.name) {
    vars["ansible_host"] = c.address;
  }
  if (c.port != defaults.port) vars["ansible_port"] = int_node(std::to_string(c.port));
  if (!c.user.empty()) vars["ansible_user"] = c.user;
  if (!c.key_file.empty()) vars["ansible_ssh_private_key_file"] = c.key_file;
  if (c.become) vars["ansible_become"] = bool_node(true);
  if (c.become && c.become_user != defaults.become_user)
    vars["ansible_become_user"] = c.become_user;
  if (c.connect_timeout != defaults.connect_timeout)
    vars["ansible_timeout"] = int_node(std::to_string(c.connect_timeout));
  if (!c.known_hosts.empty()) vars["forja_known_hosts"] = c.known_hosts;
  if (!c.password_env.empty()) vars["forja_password_env"] = c.password_env;
  if (!c.become_password_env.empty()) vars["forja_become_password_env"] = c.become_password_env;
  return vars;
}

std::string ansible_list_json(const Inventory& inv) {
  Json out;
  if (const Group* all = inv.find_group("all")) {
    std::set<std::string> seen;
    std::vector<std::string> children = all->children;
    if (inv.dialect == InventoryDialect::forja) {
      // forja's own YAML has no `ungrouped`: Ansible's view shows its hosts there.
      children.insert(children.begin(), "ungrouped");
      if (!all->hosts.empty()) out.map["ungrouped"].map["hosts"] = strings(all->hosts);
    }
    if (!children.empty()) out.map["all"].map["children"] = strings(children);
    for (const auto& c : all->children) {
      const Group* child = inv.find_group(c);
      if (child && seen.insert(c).second) format_group(inv, *child, out, seen);
    }
  }
  Json& hostvars = out.map["_meta"].map["hostvars"];
  for (const auto& h : inv.hosts) {
    Json vars = from_yaml(ansible_hostvars(inv, h));
    if (!vars.map.empty()) hostvars.map[h.name] = vars;
  }
  return dump(out, 0);
}

std::string ansible_host_json(const Inventory& inv, const Host& host) {
  return python_json(ansible_hostvars(inv, host));
}

std::vector<std::string> ansible_graph(const Inventory& inv, const std::string& group) {
  std::vector<std::string> out;
  auto name = [](const std::string& text, int depth) {
    std::string prefix;
    for (int i = 0; i < depth; ++i) prefix += "  |";
    return depth ? prefix + "--" + text : text;
  };
  auto walk = [&](auto& self, const Group& g, int depth) -> void {
    out.push_back(name("@" + g.name + ":", depth));
    std::vector<std::string> children = g.children;
    if (g.name == "all" && inv.dialect == InventoryDialect::forja)
      children.insert(children.begin(), "ungrouped");
    for (const auto& c : children) {
      if (const Group* child = inv.find_group(c)) {
        self(self, *child, depth + 1);
      } else if (c == "ungrouped") {
        out.push_back(name("@ungrouped:", depth + 1));
        if (const Group* all = inv.find_group("all"))
          for (const auto& h : all->hosts) out.push_back(name(h, depth + 2));
      }
    }
    if (g.name != "all")
      for (const auto& h : g.hosts) out.push_back(name(h, depth + 1));
  };
  if (const Group* g = inv.find_group(group)) walk(walk, *g, 0);
  return out;
}

}  // namespace forja
