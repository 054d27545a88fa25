// forja plan: the dry run. Exactly what apply would change, per host, with diffs.
#include <memory>

#include "cli/command.hpp"
#include "cli/playbook_run.hpp"

namespace forja {

CommandSpec plan_command() {
  return {"plan", "Show what apply would change on each host, with diffs (changes nothing)",
          [](CLI::App& sub) {
            auto o = std::make_shared<PlaybookOptions>();
            add_playbook_options(sub, *o);
            sub.add_flag("--exit-code", o->exit_code,
                         "Exit 4 when changes are pending, 0 when converged (drift detection in CI)");
            sub.footer(
                "Reads every host's current state in one round trip per host and compares it with\n"
                "the playbook. '~' will change, '=' converged (with -v), '?' cannot be known until\n"
                "an earlier change is made, '!' failed. Secrets never appear in diffs.\n"
                "Example: forja plan -i inventories/lab.yml playbooks/site.yml --exit-code");
            return CommandRunner([o] { return run_playbook_command(*o, false); });
          }};
}

}  // namespace forja
