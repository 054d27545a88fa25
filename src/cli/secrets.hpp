#pragma once

#include <string>
#include <vector>

#include "inventory/model.hpp"
#include "playbook/model.hpp"
#include "report/reporter.hpp"

namespace forja {

// Hand `out` every value that must never be printed. A variable is secret when its name looks
// secret (is_secret_var: *password*, *secret*, *token*) or is listed in `marked` (a playbook's
// `secrets:`), at any depth: under a map, in a list, in a map inside a list. Every scalar under
// a secret variable is a secret, whatever its own key. Looked at: every host's vars (defaults and
// groups merged in), every group's vars, and the passwords held by the environment variables
// that hosts name in password_env / become_password_env.
void register_secrets(Reporter& out, const Inventory& inventory,
                      const std::vector<std::string>& marked = {});

// The same for a playbook's vars and the inventory it runs on, `secrets:` marking names.
void register_secrets(Reporter& out, const Playbook& book, const Inventory& inventory);

// Errors echo the input line they blame before any value is registered: make them hide the
// value of keys that look secret (is_secret_var), from the start of the process...
void mark_secret_keys();
// ...and of the keys a playbook lists under `secrets:` (for the files read after it).
void mark_secret_keys(const Playbook& book);

}  // namespace forja
