#include "cli/command.hpp"

namespace forja {

CommandSpec version_command();
CommandSpec inventory_command();
CommandSpec lab_command();

const std::vector<CommandSpec>& all_commands() {
  static const std::vector<CommandSpec> commands = {
      version_command(),
      inventory_command(),
      lab_command(),
  };
  return commands;
}

}  // namespace forja
