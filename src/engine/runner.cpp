#include "engine/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "engine/context.hpp"
#include "engine/host_run.hpp"
#include "engine/selection.hpp"
#include "report/reporter.hpp"
#include "util/parallel.hpp"
#include "util/text.hpp"

namespace forja {

std::atomic<bool> g_interrupted{false};

ExitCode RunOutcome::exit_code(bool changes_are_an_exit_code) const {
  bool failed = std::any_of(hosts.begin(), hosts.end(), [](auto& h) {
    return h.failed > 0 || (!h.unreachable && !h.error.empty());
  });
  bool unreachable = std::any_of(hosts.begin(), hosts.end(), [](auto& h) { return h.unreachable; });
  bool interrupted = std::any_of(hosts.begin(), hosts.end(), [](auto& h) { return h.interrupted; });
  if (failed || interrupted) return ExitCode::failed;
  if (unreachable) return ExitCode::unreachable;
  if (changes_are_an_exit_code && changes > 0) return ExitCode::changes_pending;
  return ExitCode::ok;
}

Result<RunOutcome> run_playbook(const Playbook& book, const Inventory& inventory,
                                const RunOptions& options, const TransportFactory& connect,
                                const FactsSource& facts, const YAML::Node& fact_stub,
                                RunReport& report) {
  auto t0 = Clock::now();
  // Which hosts and states: every host some play targets, in inventory order, within --limit,
  // the states within --tags.
  auto selection = select_run(book, inventory, options.limit, options.tags);
  if (!selection) return std::unexpected(selection.error());
  const auto& hosts = selection->hosts;
  const auto& decls = selection->decls;

  // Validate everything for every host before contacting any.
  auto shared = SharedTemplateData::make(shared_context(book, inventory));
  if (!shared) return std::unexpected(shared.error());
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    auto ctx = host_context(book, *hosts[i], fact_stub);
    auto built = build_host_states(decls[i], ctx, hosts[i]->name, shared->get());
    if (!built) return std::unexpected(built.error());
  }
  for (const auto& note : selection->notes) report.note(note);
  std::vector<std::string> names;
  for (const auto* h : hosts) names.push_back(h->name);
  report.run_started(names);

  RunOutcome outcome;
  outcome.hosts.resize(hosts.size());
  std::atomic<std::size_t> done{0};
  reporter().progress(fmt::format("0/{} hosts done", hosts.size()));
  auto failures = parallel_for(hosts.size(), options.forks, [&](std::size_t i) {
    HostRun run(book, **shared, *hosts[i], decls[i], options, report);
    outcome.hosts[i] = run.run(connect, facts);
    reporter().progress(
        fmt::format("{}/{} hosts done (last: {})", ++done, hosts.size(), hosts[i]->name));
  });
  for (const auto& f : failures) {  // an exception is that host's failure, not the run's end
    HostRecap& recap = outcome.hosts[f.index];
    recap.host = hosts[f.index]->name;
    recap.failed = std::max(recap.failed, 1);
    recap.error = "internal error: " + f.what;
  }
  for (const auto& h : outcome.hosts) outcome.changes += h.pending();
  report.recap(outcome.hosts, since(t0));
  return outcome;
}

}  // namespace forja
