#include "cli/playbook_run.hpp"

#include "cli/extra_vars.hpp"
#include "cli/secrets.hpp"
#include "engine/notify_store.hpp"
#include "engine/runner.hpp"
#include "facts/facts.hpp"
#include "playbook/load.hpp"
#include "probes/verify.hpp"
#include "report/reporter.hpp"
#include "report/run_report.hpp"
#include "scale/prepare.hpp"
#include "util/text.hpp"

namespace forja {

void add_playbook_options(CLI::App& sub, PlaybookOptions& o) {
  add_connect_options(sub, o.connect);
  sub.add_option("playbook", o.playbook, "Playbook file (e.g. playbooks/site.yml)")->required();
  sub.add_option("-l,--limit", o.limit, "Only hosts matching this pattern too (web, lab2, all:!lb)");
  sub.add_option("-t,--tags", o.tags, "Only states with one of these tags")->delimiter(',');
  sub.add_option("--state-dir", o.state_dir,
                 "Where owed handlers are kept between runs (default ~/.local/state/forja/...)");
  sub.add_option("-e,--extra-vars", o.extra_vars,
                 "A variable above all others: KEY=VALUE, or @FILE.yml (a map); may repeat")
      ->allow_extra_args(false);
  sub.add_flag("-v,--verbose", o.verbose,
               "Also list states that need no change, with the reason; whole diffs");
  sub.add_flag("--no-diff", o.no_diff, "Print no diffs (summaries only)");
  sub.add_flag("--json", o.json, "A JSON event stream (one object per line) instead of text");
}


Result<Playbook> load_playbook_option(const PlaybookOptions& o) {
  auto book = load_playbook(o.playbook);
  if (!book) return book;
  mark_secret_keys(*book);
  auto extra = parse_extra_vars(o.extra_vars);
  if (!extra) return std::unexpected(extra.error());
  book->extra_vars = *extra;
  return book;
}

Result<RunOutcome> run_loaded_playbook(const Playbook& book, const Inventory& inventory,
                                       const PlaybookOptions& o, const RunOptions& run) {
  auto report = make_run_report(run.apply ? ReportMode::apply : ReportMode::plan,
                                o.json ? ReportFormat::json : ReportFormat::human, o.verbose,
                                reporter(), o.no_diff ? DiffDisplay::hidden : DiffDisplay::shown);
  install_interrupt_handler();
  auto connect = [&](const Host& h) { return make_transport(h, o.connect); };
  FactsSource facts{facts_probe(), [](const ProbeOutput& out) -> Result<GatheredFacts> {
                      auto f = parse_facts(out.out);
                      if (f.hostname.empty()) {
                        return fail("facts: unexpected output from the host (exit " +
                                    std::to_string(out.exit_status) + "): " + last_lines(out.out, 3));
                      }
                      return GatheredFacts{f.platform(), f.to_yaml(), f.describe()};
                    }};
  return run_playbook(book, inventory, run, connect, facts, fact_stub(), *report);
}

RunOptions run_options(const PlaybookOptions& o, bool apply) {
  RunOptions run;
  run.apply = apply && !o.check;
  run.forks = o.connect.forks;
  run.limit = o.limit;
  run.tags = o.tags;
  run.state_dir = o.state_dir.empty() ? default_state_dir(o.playbook) : o.state_dir;
  return run;
}

int run_playbook_command(const PlaybookOptions& o, bool apply) {
  auto book = load_playbook_option(o);
  if (!book) return report_error(book.error());
  auto inventory = load_inventory_option(o.connect);
  if (!inventory) return report_error(inventory.error());
  register_secrets(reporter(), *book, *inventory);
  auto run = run_options(o, apply);
  if (auto placed = place_scaled_replicas(*book, *inventory, run.apply ? StoreWrite::yes : StoreWrite::no);
      !placed) {
    return report_error(placed.error());
  }
  auto outcome = run_loaded_playbook(*book, *inventory, o, run);
  if (!outcome) return report_error(outcome.error());
  auto code = outcome->exit_code(!run.apply && o.exit_code);
  if (run.apply && o.verify && code == ExitCode::ok) return run_verify_command(o);
  return static_cast<int>(code);
}

int run_verify_command(const PlaybookOptions& o) {
  auto book = load_playbook_option(o);
  if (!book) return report_error(book.error());
  if (book->verify.empty()) {
    return report_error({o.playbook + ": no verify: section to run", ExitCode::bad_input});
  }
  auto inventory = load_inventory_option(o.connect);
  if (!inventory) return report_error(inventory.error());
  register_secrets(reporter(), *book, *inventory);
  // The replicas `forja scale` placed (never stored from here): verify expects those.
  if (auto placed = place_scaled_replicas(*book, *inventory, StoreWrite::no); !placed) {
    return report_error(placed.error());
  }
  auto connect = [&](const Host& h) { return make_transport(h, o.connect); };
  VerifyOptions options;
  options.timeout = std::chrono::seconds(o.verify_timeout);
  options.forks = o.connect.forks;
  auto results = run_verify(*book, *inventory, connect, options);
  if (!results) return report_error(results.error());
  return report_verify(*results, o.json, o.verbose) ? 0 : static_cast<int>(ExitCode::failed);
}

}  // namespace forja
