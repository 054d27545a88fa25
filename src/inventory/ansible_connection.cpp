#include "inventory/ansible_connection.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>

#include "inventory/raw.hpp"
#include "inventory/typed_value.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

// ansible_* variables forja reads into the connection (aliases first match wins, in order).
const std::vector<std::pair<std::string, std::vector<std::string>>> k_fields = {
    {"address", {"ansible_host", "ansible_ssh_host"}},
    {"port", {"ansible_port", "ansible_ssh_port"}},
    {"user", {"ansible_user", "ansible_ssh_user"}},
    {"key", {"ansible_ssh_private_key_file", "ansible_private_key_file"}},
    {"become", {"ansible_become"}},
    {"become_user", {"ansible_become_user"}},
    {"connect_timeout", {"ansible_timeout", "ansible_ssh_timeout"}},
    {"connection", {"ansible_connection"}},
    {"known_hosts", {"forja_known_hosts"}},
    {"password_env", {"forja_password_env"}},
    {"become_password_env", {"forja_become_password_env"}},
};

const std::set<std::string> k_password_keys = {"ansible_password", "ansible_ssh_pass",
                                               "ansible_become_pass", "ansible_become_password"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string text_of(const YAML::Node& v) { return v.IsScalar() ? v.Scalar() : std::string(); }

}  // namespace

std::optional<bool> ansible_boolean(const YAML::Node& value) {
  if (!value.IsScalar()) return std::nullopt;
  const std::string t = lower(value.Scalar());
  static const std::set<std::string> yes = {"y", "yes", "on", "1", "true", "t", "1.0"};
  static const std::set<std::string> no = {"n", "no", "off", "0", "false", "f", "0.0"};
  if (yes.contains(t)) return true;
  if (no.contains(t)) return false;
  return std::nullopt;
}

std::string ignored_ansible_key(const std::string& key, const YAML::Node& value) {
  if (!starts_with(key, "ansible_") || k_password_keys.contains(key)) return "";
  for (const auto& [field, names] : k_fields) {
    if (std::find(names.begin(), names.end(), key) == names.end()) continue;
    if (field != "connection") return "";
    const std::string c = text_of(value);
    if (c == "local" || c == "ssh" || c == "smart" || c == "paramiko") return "";
    return "forja connects over SSH (or locally with ansible_connection=local) only; "
           "ansible_connection=" +
           c + " is ignored";
  }
  if (key == "ansible_group_priority") return "";
  if (key == "ansible_become_method") {
    if (text_of(value) == "sudo") return "";
    return "forja becomes root with sudo only; ansible_become_method=" + text_of(value) +
           " is ignored";
  }
  return "forja does not honour '" + key + "'; it is kept as a plain variable";
}

Result<Connection> connection_from_ansible_vars(const std::string& host, const AnsibleVars& vars,
                                                const std::string& path,
                                                const std::vector<std::string>& lines) {
  Connection c;
  c.address = host;
  for (const auto& [key, var] : vars) {
    if (k_password_keys.contains(key)) {
      return located_error(
          var.key_where,
          "forja does not read passwords from the inventory; put the password in an "
          "environment variable and name it with " +
              std::string(key.find("become") != std::string::npos ? "forja_become_password_env"
                                                                  : "forja_password_env") +
              "=VAR",
          lines);
    }
    if (starts_with(key, "forja_")) {
      std::vector<std::string> known;
      bool found = false;
      for (const auto& [field, names] : k_fields)
        for (const auto& n : names) {
          if (starts_with(n, "forja_")) known.push_back(n);
          found = found || n == key;
        }
      if (!found) {
        return located_error(
            var.key_where, "unknown forja setting '" + key + "'" + did_you_mean(key, known), lines);
      }
    }
  }
  auto integer = [&](const AnsibleVar& v, const std::string& key, int min, int max) -> Result<int> {
    const std::string t = text_of(v.value);
    int n = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    if (t.empty() || ec != std::errc() || p != t.data() + t.size() || n < min || n > max) {
      return located_error(v.where,
                           key + ": expected an integer " + std::to_string(min) + "-" +
                               std::to_string(max) + ", got '" + t + "'",
                           lines);
    }
    return n;
  };
  bool local = false;
  for (const auto& [field, names] : k_fields) {
    const AnsibleVar* var = nullptr;
    std::string key;
    for (const auto& n : names) {
      if (auto it = vars.find(n); it != vars.end()) {
        var = &it->second;
        key = n;
        break;
      }
    }
    if (!var) continue;
    const std::string t = text_of(var->value);
    if (field == "address") {
      if (!valid_address(t)) {
        return located_error(var->where,
                             key + ": '" + t +
                                 "' is not an address (an IP address or DNS name has no blanks "
                                 "or control characters)",
                             lines);
      }
      c.address = t;
    } else if (field == "port" || field == "connect_timeout") {
      auto n = integer(*var, key, 1, field == "port" ? 65535 : 3600);
      if (!n) return std::unexpected(n.error());
      (field == "port" ? c.port : c.connect_timeout) = *n;
    } else if (field == "become") {
      auto b = ansible_boolean(var->value);
      if (!b) {
        return located_error(
            var->where, key + ": expected a boolean (yes/no, true/false, 1/0), got '" + t + "'",
            lines);
      }
      c.become = *b;
    } else if (field == "connection") {
      local = t == "local";
    } else if (field == "user") {
      c.user = t;
    } else if (field == "key") {
      c.key_file = resolve_inventory_path(t, path);
    } else if (field == "known_hosts") {
      c.known_hosts = resolve_inventory_path(t, path);
    } else if (field == "password_env") {
      c.password_env = t;
    } else if (field == "become_user") {
      c.become_user = t;
    } else if (field == "become_password_env") {
      c.become_password_env = t;
    }
  }
  if (local) c.address = "local";
  return c;
}

}  // namespace forja
