#pragma once

#include <string>

#include "playbook/model.hpp"
#include "util/error.hpp"

namespace forja {

// Load a playbook and every state file it includes, checking structure, resource types,
// argument names and types, requisites and handler references. Pure: no host is contacted.
// Errors are bad_input with file:line:column.
[[nodiscard]] Result<Playbook> load_playbook(const std::string& path);

// Whether text is one variable tag and nothing else: "{{admins}}", "{{ web.users }}" (what a
// `loop:` may name instead of a list).
[[nodiscard]] bool single_variable(const std::string& text);

}  // namespace forja
