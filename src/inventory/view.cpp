#include "inventory/view.hpp"

#include <algorithm>
#include <cctype>

#include "util/json.hpp"
#include "util/yaml.hpp"

namespace forja {

namespace {

constexpr std::string_view k_mask = "********";

// A copy of `node` with the value of every secret-looking key, at any depth (maps inside
// lists too), shown as the mask.
YAML::Node masked(const YAML::Node& node) {
  if (node.IsSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& item : node) out.push_back(masked(item));
    return out;
  }
  if (!node.IsMap()) return node;
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& kv : node) {
    const std::string& key = kv.first.Scalar();
    out[key] = is_secret_var(key) ? YAML::Node(std::string(k_mask)) : masked(kv.second);
  }
  return out;
}

std::string groups_of(const Host& h) {
  std::string s;
  for (const auto& g : h.groups) {
    if (g == "all") continue;
    s += (s.empty() ? "" : ",") + g;
  }
  return s.empty() ? "-" : s;
}

// A scalar as YAML text: plain when that reads back the same, otherwise double-quoted.
std::string yaml_scalar(const std::string& s) {
  if (s == k_mask) return s;
  bool plain = !s.empty() && s.find_first_of(":#{}[],&*!|>'\"%@`\n\t") == std::string::npos &&
               s.front() != ' ' && s.back() != ' ' && s.front() != '-' && s.front() != '?';
  return plain ? s : json_string(s);
}

void yaml_lines(const YAML::Node& node, const std::string& indent, std::vector<std::string>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = yaml_scalar(kv.first.Scalar());
      const YAML::Node& v = kv.second;
      if ((v.IsMap() || v.IsSequence()) && v.size() > 0) {
        out.push_back(indent + key + ":");
        yaml_lines(v, indent + "  ", out);
      } else if (v.IsMap()) {
        out.push_back(indent + key + ": {}");
      } else if (v.IsSequence()) {
        out.push_back(indent + key + ": []");
      } else {
        out.push_back(indent + key + ":" + (v.IsNull() ? "" : " " + yaml_scalar(v.Scalar())));
      }
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if ((item.IsMap() || item.IsSequence()) && item.size() > 0) {
        out.push_back(indent + "-");
        yaml_lines(item, indent + "  ", out);
      } else {
        out.push_back(indent + "- " + (item.IsScalar() ? yaml_scalar(item.Scalar()) : "~"));
      }
    }
  }
}

void graph(const Inventory& inv, const Group& g, const std::string& indent,
           std::vector<std::string>& out) {
  out.push_back(indent + "@" + g.name + ":");
  const std::string child =
      indent.empty() ? "  |--" : indent.substr(0, indent.size() - 2) + "  |--";
  for (const auto& c : g.children) {
    if (const Group* cg = inv.find_group(c)) graph(inv, *cg, child, out);
  }
  for (const auto& h : g.hosts) out.push_back(child + h);
}

std::string host_object(const Host& h) {
  const Connection& c = h.connection;
  std::string groups;
  for (const auto& g : h.groups) groups += (groups.empty() ? "" : ",") + json_string(g);
  return "{\"name\":" + json_string(h.name) + ",\"address\":" + json_string(c.address) +
         ",\"port\":" + std::to_string(c.port) + ",\"user\":" + json_string(c.user) +
         ",\"key\":" + json_string(c.key_file) + ",\"known_hosts\":" + json_string(c.known_hosts) +
         ",\"password_env\":" + json_string(c.password_env) +
         ",\"become\":" + (c.become ? "true" : "false") +
         ",\"become_user\":" + json_string(c.become_user) +
         ",\"become_password_env\":" + json_string(c.become_password_env) +
         ",\"connect_timeout\":" + std::to_string(c.connect_timeout) + ",\"groups\":[" + groups +
         "],\"vars\":" + yaml_to_json(masked(h.vars)) + "}";
}

}  // namespace

bool is_secret_var(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return lower.find("password") != std::string::npos || lower.find("secret") != std::string::npos ||
         lower.find("token") != std::string::npos;
}

std::vector<std::string> inventory_table(const std::vector<const Host*>& hosts) {
  std::vector<std::vector<std::string>> rows = {{"HOST", "ADDRESS", "USER", "BECOME", "GROUPS"}};
  for (const Host* h : hosts) {
    const Connection& c = h->connection;
    rows.push_back({h->name, c.address + ":" + std::to_string(c.port),
                    c.user.empty() ? "-" : c.user, c.become ? c.become_user : "no", groups_of(*h)});
  }
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::vector<std::string> out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> inventory_graph(const Inventory& inv) {
  std::vector<std::string> out;
  if (const Group* all = inv.find_group("all")) graph(inv, *all, "", out);
  return out;
}

std::vector<std::string> host_details(const Host& h) {
  const Connection& c = h.connection;
  std::vector<std::string> out = {h.name + ":"};
  auto field = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) out.push_back("  " + std::string(key) + ": " + yaml_scalar(value));
  };
  field("address", c.address);
  field("port", std::to_string(c.port));
  field("user", c.user);
  field("key", c.key_file);
  field("known_hosts", c.known_hosts);
  field("password_env", c.password_env);
  field("become", c.become ? "true" : "false");
  if (c.become) {
    field("become_user", c.become_user);
    field("become_password_env", c.become_password_env);
  }
  field("connect_timeout", std::to_string(c.connect_timeout));
  std::string groups;
  for (const auto& g : h.groups) groups += (groups.empty() ? "" : ", ") + g;
  out.push_back("  groups: [" + groups + "]");
  if (h.vars.IsMap() && h.vars.size() > 0) {
    out.push_back("  vars:");
    yaml_lines(masked(h.vars), "    ", out);
  } else {
    out.push_back("  vars: {}");
  }
  return out;
}

std::string inventory_json(const Inventory& inv, const std::vector<const Host*>& hosts) {
  std::string out = "{\"path\":" + json_string(inv.path) + ",\"hosts\":[";
  for (std::size_t i = 0; i < hosts.size(); ++i) out += (i ? "," : "") + host_object(*hosts[i]);
  out += "],\"groups\":[";
  bool first = true;
  for (const auto& name : inv.group_order) {
    const Group* g = inv.find_group(name);
    if (!g) continue;
    auto list = [](const std::vector<std::string>& names) {
      std::string s;
      for (const auto& n : names) s += (s.empty() ? "" : ",") + json_string(n);
      return "[" + s + "]";
    };
    out += std::string(first ? "" : ",") + "{\"name\":" + json_string(g->name) +
           ",\"hosts\":" + list(g->hosts) + ",\"children\":" + list(g->children) +
           ",\"vars\":" + yaml_to_json(masked(g->vars)) + "}";
    first = false;
  }
  return out + "]}";
}

std::string host_json(const Host& host) { return host_object(host); }

}  // namespace forja
