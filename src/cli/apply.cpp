// forja apply: converge hosts to the playbook, in parallel, idempotently.
#include <memory>

#include "cli/command.hpp"
#include "cli/playbook_run.hpp"

namespace forja {

CommandSpec apply_command() {
  return {"apply", "Converge hosts to the playbook: change only what differs, in parallel",
          [](CLI::App& sub) {
            auto o = std::make_shared<PlaybookOptions>();
            add_playbook_options(sub, *o);
            sub.add_flag("--check", o->check, "Only show the plan (same as 'forja plan')");
            sub.add_flag("--verify", o->verify, "After a successful apply, run the verify: probes");
            sub.add_option("--verify-timeout", o->verify_timeout,
                           "With --verify: seconds each probe is retried before it fails")
                ->capture_default_str();
            sub.footer(
                "Every input is validated before any host is contacted. Each host runs its states\n"
                "in order; after a change the state is read back and must have converged. A\n"
                "failing state skips the states that require it, not the other hosts. Handlers\n"
                "notified by a change are owed until they succeed, even across failed runs.\n"
                "Ctrl-C finishes the commands in flight, then stops.\n"
                "Example: forja apply -i inventories/lab.yml playbooks/site.yml");
            return CommandRunner([o] { return run_playbook_command(*o, true); });
          }};
}

}  // namespace forja
