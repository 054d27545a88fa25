#pragma once

#include <cstddef>
#include <string>

#include "util/error.hpp"

namespace forja {

// The largest input file forja reads whole (inventory, playbook, state file, template): far
// above any real one, and it keeps `-i /dev/zero` or a runaway generator from eating memory.
inline constexpr std::size_t k_max_input_file_bytes = 64 * 1024 * 1024;

// The whole text of a file (or pipe) the user named; bad_input "PATH: what" when it cannot be
// read or is larger than k_max_input_file_bytes. `what` names it in messages ("inventory").
[[nodiscard]] Result<std::string> read_input_file(const std::string& path, const std::string& what);

}  // namespace forja
