// Ansible's YAML inventory (`all:` / `hosts:` / `children:` / `vars:`), read as Ansible 2.14's
// yaml plugin reads it, plain scalars typed by YAML 1.1 as PyYAML types them.
#include <cmath>
#include <regex>

#include "inventory/ansible_raw.hpp"
#include "inventory/host_pattern.hpp"
#include "inventory/load.hpp"
#include "inventory/typed_value.hpp"
#include "util/text.hpp"
#include "util/yaml.hpp"

namespace forja {

namespace {

// PyYAML's implicit resolvers (YAML 1.1).
const std::regex k_null(R"(^(?:~|null|Null|NULL|)$)");
const std::regex k_bool(
    R"(^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$)");
const std::regex k_int(
    R"(^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$)");
const std::regex k_float(
    R"(^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$)");

std::string decimal_of(std::string digits, int base) {
  // digits in `base` (no sign, no '_') -> decimal text
  std::vector<int> dec{0};
  for (char c : digits) {
    int carry = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    for (auto& d : dec) {
      int v = d * base + carry;
      d = v % 10;
      carry = v / 10;
    }
    while (carry) dec.push_back(carry % 10), carry /= 10;
  }
  std::string out;
  for (auto it = dec.rbegin(); it != dec.rend(); ++it) out += static_cast<char>('0' + *it);
  return out;
}

// A plain scalar as PyYAML constructs it.
YAML::Node typed_scalar(const std::string& s) {
  if (std::regex_match(s, k_null)) return YAML::Node(YAML::NodeType::Null);
  if (std::regex_match(s, k_bool)) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return bool_node(c == 'y' || c == 't' || (c == 'o' && s.size() == 2));
  }
  if (std::regex_match(s, k_int)) {
    std::string v;
    for (char c : s)
      if (c != '_') v += c;
    std::string sign;
    if (v[0] == '-' || v[0] == '+') {
      if (v[0] == '-') sign = "-";
      v.erase(0, 1);
    }
    std::string dec;
    if (v == "0") {
      return int_node("0");
    } else if (starts_with(v, "0b")) {
      dec = decimal_of(v.substr(2), 2);
    } else if (starts_with(v, "0x")) {
      dec = decimal_of(v.substr(2), 16);
    } else if (v[0] == '0') {
      dec = decimal_of(v.substr(1), 8);
    } else if (v.find(':') != std::string::npos) {
      long long n = 0;
      for (const auto& part : split(v, ':')) n = n * 60 + std::stoll(part);
      dec = std::to_string(n);
    } else {
      dec = v;
    }
    if (dec.find_first_not_of('0') == std::string::npos) return int_node("0");
    dec.erase(0, dec.find_first_not_of('0'));
    return int_node(sign + dec);
  }
  if (std::regex_match(s, k_float)) {
    std::string v;
    for (char c : s)
      if (c != '_') v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    double sign = 1;
    if (v[0] == '-' || v[0] == '+') {
      if (v[0] == '-') sign = -1;
      v.erase(0, 1);
    }
    if (v == ".inf") return float_node(sign * INFINITY);
    if (v == ".nan") return float_node(NAN);
    if (v.find(':') != std::string::npos) {
      auto parts = split(v, ':');
      double n = 0;
      for (std::size_t i = 0; i + 1 < parts.size(); ++i) n = n * 60 + std::stod(parts[i]);
      return float_node(sign * (n * 60 + std::stod(parts.back())));
    }
    return float_node(sign * std::strtod(v.c_str(), nullptr));
  }
  return string_node(s);
}

// A YAML value with every plain scalar typed; quoted and explicitly tagged scalars stay text.
YAML::Node typed(const YAML::Node& node) {
  if (node.IsMap()) {
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& kv : node) out[kv.first.Scalar()] = typed(kv.second);
    return out;
  }
  if (node.IsSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& item : node) out.push_back(typed(item));
    return out;
  }
  if (!node.IsDefined() || node.IsNull()) return YAML::Node(YAML::NodeType::Null);
  if (node.Tag() == "?") return typed_scalar(node.Scalar());
  return string_node(node.Scalar());
}

class AnsibleYamlReader {
 public:
  explicit AnsibleYamlReader(const YamlDoc& doc) : m_doc(doc), m_raw(doc.path(), doc.lines()) {}

  Result<AnsibleRawInventory> read() {
    const YAML::Node& root = m_doc.root();
    if (!root.IsMap()) {
      return m_doc.error(root, "an Ansible YAML inventory is a mapping of groups (all:, ...)");
    }
    if (lookup(root, "plugin").IsDefined()) {
      return m_doc.error(root,
                         "this is an inventory plugin's configuration ('plugin:'), which "
                         "forja cannot run; give it a static inventory");
    }
    for (const auto& kv : root) {
      auto r = group(kv.first, kv.second);
      if (!r) return std::unexpected(r.error());
    }
    return std::move(m_raw);
  }

 private:
  Result<std::string> group(const YAML::Node& key, const YAML::Node& data) {
    const std::string name = key.Scalar();
    if (data.IsDefined() && !data.IsNull() && !data.IsMap()) {
      return m_doc.error(data, "group '" + name +
                                   "' must be a mapping with hosts:, children: and vars: (Ansible "
                                   "skips it)");
    }
    m_raw.group(name, m_doc.where(key));
    if (!data.IsMap()) return name;
    for (const auto& kv : data) {
      const std::string section = kv.first.Scalar();
      const YAML::Node& value = kv.second;
      if (section != "hosts" && section != "children" && section != "vars") {
        return m_doc.error(kv.first, "unknown key '" + section + "' in group '" + name + "'" +
                                         did_you_mean(section, {"hosts", "children", "vars"}) +
                                         " (Ansible skips it)");
      }
      if (value.IsNull()) continue;
      if (!value.IsMap()) {
        return m_doc.error(value, "'" + section + "' of group '" + name +
                                      "' must be a mapping (name: ...), not " +
                                      (value.IsScalar() ? "'" + value.Scalar() + "'" : "a list"));
      }
      if (section == "vars") {
        for (const auto& v : value)
          m_raw.group(name, {}).vars[v.first.Scalar()] = {typed(v.second), m_doc.where(v.second),
                                                          m_doc.where(v.first)};
      } else if (section == "children") {
        for (const auto& c : value) {
          auto child = group(c.first, c.second);
          if (!child) return child;
          m_raw.add_child(name, *child, m_doc.where(c.first));
        }
      } else {
        for (const auto& h : value) {
          if (auto r = host(name, h.first, h.second); !r) return std::unexpected(r.error());
        }
      }
    }
    return name;
  }

  Result<void> host(const std::string& group, const YAML::Node& key, const YAML::Node& vars) {
    if (key.Tag() == "?" && typed_scalar(key.Scalar()).Tag() != "!") {
      return m_doc.error(
          key, "host '" + key.Scalar() + "' must be a string: quote it (Ansible refuses it too)");
    }
    if (vars.IsDefined() && !vars.IsNull() && !vars.IsMap()) {
      return m_doc.error(vars, "host '" + key.Scalar() + "' must map to its variables, not " +
                                   (vars.IsScalar() ? "'" + vars.Scalar() + "'" : "a list"));
    }
    auto pattern = parse_host_pattern(key.Scalar());
    if (!pattern) return m_doc.error(key, pattern.error());
    auto names = expand_host_ranges(pattern->host, k_max_range_names - m_range_names);
    if (!names) return m_doc.error(key, names.error());
    if (names->size() > 1) m_range_names += names->size();
    for (const auto& n : *names) {
      AnsibleHost& h = m_raw.host(n, m_doc.where(key), pattern->port);
      if (vars.IsMap())
        for (const auto& v : vars)
          h.vars[v.first.Scalar()] = {typed(v.second), m_doc.where(v.second), m_doc.where(v.first)};
      m_raw.add_host_to_group(group, n);
    }
    return {};
  }

  const YamlDoc& m_doc;
  AnsibleRawInventory m_raw;
  std::size_t m_range_names = 0;
};

}  // namespace

bool is_ansible_yaml(const YAML::Node& root) {
  if (!root.IsMap()) return false;
  if (lookup(root, "all").IsDefined()) return true;
  // Otherwise every top-level value must look like an Ansible group: empty, or a mapping of
  // hosts:/children:/vars: only. A misspelt forja key ("host:") stays forja's, for its error.
  for (const auto& kv : root) {
    const YAML::Node& v = kv.second;
    if (v.IsNull()) continue;
    if (!v.IsMap()) return false;
    for (const auto& section : v) {
      const std::string k = section.first.Scalar();
      if (k != "hosts" && k != "children" && k != "vars") return false;
    }
  }
  return true;
}

Result<Inventory> parse_ansible_yaml_inventory(const YamlDoc& doc) {
  auto raw = AnsibleYamlReader(doc).read();
  if (!raw) return std::unexpected(raw.error());
  return resolve_ansible_inventory(std::move(*raw));
}

}  // namespace forja
