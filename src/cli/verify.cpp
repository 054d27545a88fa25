// forja verify: prove the topology works with the playbook's health probes.
#include <memory>

#include "cli/command.hpp"
#include "cli/playbook_run.hpp"

namespace forja {

CommandSpec verify_command() {
  return {"verify", "Run the playbook's verify: probes (tcp, http, service, discovery, lb_spread, "
                        "consul_members)",
          [](CLI::App& sub) {
            auto o = std::make_shared<PlaybookOptions>();
            add_connect_options(sub, o->connect);
            sub.add_option("playbook", o->playbook, "Playbook with a verify: section")->required();
            sub.add_option(
                   "-e,--extra-vars", o->extra_vars,
                   "A variable above all others: KEY=VALUE, or @FILE.yml (a map); may repeat")
                ->allow_extra_args(false);
            sub.add_flag("--json", o->json, "One JSON object per probe, with full listings");
            sub.add_flag("-v,--verbose", o->verbose,
                         "One line per host and every instance listed (default: a summary per "
                         "probe, naming only what failed)");
            sub.add_option("--timeout", o->verify_timeout,
                           "Seconds each probe is retried before it fails")
                ->capture_default_str();
            sub.footer(
                "Probes run from this machine (or from a host with 'from:'), each retried until it\n"
                "passes or the timeout runs out. Exit 0 when all pass, 1 otherwise.\n"
                "Example: forja verify -i inventories/lab.yml playbooks/site.yml");
            return CommandRunner([o] { return run_verify_command(*o); });
          }};
}

}  // namespace forja
