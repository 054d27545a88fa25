#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace forja::lab {

// A program the lab runs on the machine, and the Debian package that installs it.
struct Tool {
  std::string_view program;
  std::string_view package;
};

// The full path of a program found on $PATH, or "" when missing.
[[nodiscard]] std::string find_program(std::string_view program);

// Tools to boot and stop hosts; tools to build the base and the repo.
[[nodiscard]] const std::vector<Tool>& boot_tools();
[[nodiscard]] const std::vector<Tool>& prepare_tools();

// Fails plainly unless we are root.
[[nodiscard]] Result<void> require_root();
// Fails naming each missing program and the package that installs it.
[[nodiscard]] Result<void> require_tools(const std::vector<Tool>& tools);

}  // namespace forja::lab
