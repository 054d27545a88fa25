// forja: parse the command line and dispatch to one subcommand. Nothing else lives here.
#include <CLI/CLI.hpp>

#include <csignal>
#include <map>
#include <string>

#include "cli/command.hpp"
#include "cli/secrets.hpp"
#include "report/reporter.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

int main(int argc, char** argv) {
  using namespace forja;
  // A closed pipe (forja ... | head, a dropped SSH socket) is an EPIPE error where it happens,
  // never a silent death by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{
      "forja: agentless provisioning over SSH.\n"
      "Declare hosts (inventory) and their desired state (playbook); forja plans what differs,\n"
      "applies only that, in parallel, then proves the result with health probes.",
      "forja"};
  mark_secret_keys();  // before any input is read: errors echo the lines they blame
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("forja ") + FORJA_VERSION);
  app.footer("Run 'forja COMMAND --help' for the options of one command.");

  std::map<std::string, CommandRunner> runners;
  std::vector<std::string> names;
  for (const auto& spec : all_commands()) {
    auto* sub = app.add_subcommand(std::string(spec.name), std::string(spec.help));
    runners[std::string(spec.name)] = spec.setup(*sub);
    names.emplace_back(spec.name);
  }

  if (argc > 1 && argv[1][0] != '-' && !runners.contains(argv[1])) {
    reporter().error_line(std::string("forja: error: unknown command '") + argv[1] + "'" +
                          did_you_mean(argv[1], names) + "; run 'forja --help' for the list");
    return static_cast<int>(ExitCode::bad_input);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(ExitCode::bad_input);
  }

  try {
    for (auto* sub : app.get_subcommands()) return runners.at(sub->get_name())();
  } catch (const std::exception& e) {
    reporter().error_line(std::string("forja: error: ") + e.what());
    return static_cast<int>(ExitCode::failed);
  }
  return static_cast<int>(ExitCode::bad_input);
}
