#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string_view>
#include <vector>

namespace forja {

// Runs a parsed subcommand and returns the process exit code.
using CommandRunner = std::function<int()>;

// One subcommand: its name, one-line help, and a setup that adds its options to `sub`
// and returns the runner to call once parsing succeeded.
struct CommandSpec {
  std::string_view name;
  std::string_view help;
  std::function<CommandRunner(CLI::App& sub)> setup;
};

// Every subcommand, in the order `forja --help` lists them.
[[nodiscard]] const std::vector<CommandSpec>& all_commands();

}  // namespace forja
