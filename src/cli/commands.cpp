#include "cli/command.hpp"

namespace forja {

CommandSpec version_command();
CommandSpec inventory_command();
CommandSpec lab_command();
CommandSpec run_command();
CommandSpec facts_command();
CommandSpec plan_command();
CommandSpec apply_command();
CommandSpec verify_command();
CommandSpec scale_command();
CommandSpec status_command();
CommandSpec complete_command();

const std::vector<CommandSpec>& all_commands() {
  static const std::vector<CommandSpec> commands = {
      version_command(),
      inventory_command(),
      run_command(),
      facts_command(),
      plan_command(),
      apply_command(),
      verify_command(),
      scale_command(),
      status_command(),
      lab_command(),
      complete_command(),  // hidden: what the shell completions ask
  };
  return commands;
}

}  // namespace forja
