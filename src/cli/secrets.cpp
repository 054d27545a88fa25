#include "cli/secrets.hpp"

#include <algorithm>
#include <cstdlib>

#include "inventory/view.hpp"
#include "util/secret_keys.hpp"

namespace forja {

namespace {

// Every scalar under `node`, keys of maps aside: all of it belongs to a secret variable.
void register_all(Reporter& out, const YAML::Node& node) {
  if (node.IsScalar()) {
    out.add_secret(node.Scalar());
  } else if (node.IsSequence() || node.IsMap()) {
    for (const auto& item : node) register_all(out, node.IsMap() ? item.second : item);
  }
}

void register_vars(Reporter& out, const YAML::Node& node, const std::vector<std::string>& marked) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string& name = kv.first.Scalar();
      const bool secret =
          is_secret_var(name) || std::find(marked.begin(), marked.end(), name) != marked.end();
      if (secret) {
        register_all(out, kv.second);
      } else {
        register_vars(out, kv.second, marked);
      }
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) register_vars(out, item, marked);
  }
}

void register_env(Reporter& out, const std::string& name) {
  if (name.empty()) return;
  if (const char* value = std::getenv(name.c_str())) out.add_secret(value);
}

}  // namespace

void register_secrets(Reporter& out, const Inventory& inventory,
                      const std::vector<std::string>& marked) {
  for (const auto& h : inventory.hosts) {
    register_vars(out, h.vars, marked);
    register_env(out, h.connection.password_env);
    register_env(out, h.connection.become_password_env);
  }
  for (const auto& [name, group] : inventory.groups) register_vars(out, group.vars, marked);
}

void register_secrets(Reporter& out, const Playbook& book, const Inventory& inventory) {
  register_vars(out, book.vars, book.secrets);
  register_vars(out, book.extra_vars, book.secrets);
  register_secrets(out, inventory, book.secrets);
}

void mark_secret_keys() { set_secret_key_rule(is_secret_var); }

void mark_secret_keys(const Playbook& book) {
  for (const auto& name : book.secrets) add_secret_key(name);
}

}  // namespace forja
