#include "engine/runner.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include <fmt/format.h>

#include "engine/context.hpp"
#include "report/reporter.hpp"
#include "engine/host_plan.hpp"
#include "engine/notify_store.hpp"
#include "engine/probe_runner.hpp"
#include "resources/package.hpp"
#include "util/parallel.hpp"
#include "util/text.hpp"

namespace forja {

std::atomic<bool> g_interrupted{false};

ExitCode RunOutcome::exit_code(bool changes_are_an_exit_code) const {
  bool failed = std::any_of(hosts.begin(), hosts.end(),
                            [](auto& h) { return h.failed > 0 || (!h.unreachable && !h.error.empty()); });
  bool unreachable = std::any_of(hosts.begin(), hosts.end(), [](auto& h) { return h.unreachable; });
  bool interrupted = std::any_of(hosts.begin(), hosts.end(), [](auto& h) { return h.interrupted; });
  if (failed || interrupted) return ExitCode::failed;
  if (unreachable) return ExitCode::unreachable;
  if (changes_are_an_exit_code && changes > 0) return ExitCode::changes_pending;
  return ExitCode::ok;
}

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Probe states [from, end) (or the given handlers) in one round trip and plan them again.
Result<void> probe_and_plan(Transport& transport, const Platform& platform,
                            std::vector<PlannedState>& states, std::size_t from,
                            std::vector<std::string>& errors) {
  std::vector<Probe> probes;
  std::vector<std::size_t> counts;
  for (std::size_t i = from; i < states.size(); ++i) {
    auto p = states[i].resource->probes(platform);
    counts.push_back(p.size());
    probes.insert(probes.end(), p.begin(), p.end());
  }
  auto outputs = run_probes(transport, probes);
  if (!outputs) return std::unexpected(outputs.error());
  errors.assign(states.size(), "");
  std::size_t k = 0;
  for (std::size_t i = from; i < states.size(); ++i) {
    std::size_t n = counts[i - from];
    std::vector<ProbeOutput> mine(outputs->begin() + k, outputs->begin() + k + n);
    k += n;
    auto change = states[i].resource->plan(mine, platform);
    if (change) {
      states[i].change = std::move(*change);
    } else {
      states[i].change = Change{ChangeKind::unknown, "", {}, ""};
      errors[i] = change.error().message;
    }
  }
  return {};
}

Result<void> run_commands(Transport& transport, const std::vector<Command>& commands) {
  for (const auto& c : commands) {
    auto r = transport.exec(c);
    if (!r) return std::unexpected(r.error());
    if (r->exit_status != 0) {
      std::string detail = last_lines(r->err.empty() ? r->out : r->err, 6);
      return fail(c.argv.empty() ? "command failed"
                                 : (c.argv[0] == "sh" || c.argv[0] == "env"
                                        ? c.argv[c.argv[0] == "env" ? 2 : 0]
                                        : c.argv[0]) +
                                       " exited " + std::to_string(r->exit_status) +
                                       (detail.empty() ? "" : ": " + detail));
    }
  }
  return {};
}

StateStatus plan_status(const Change& c) {
  switch (c.kind) {
    case ChangeKind::none: return StateStatus::ok;
    case ChangeKind::change: return StateStatus::changed;
    case ChangeKind::unknown: return StateStatus::unknown;
  }
  return StateStatus::unknown;
}

class HostRun {
 public:
  HostRun(const Playbook& book, const Inventory& inventory, const Host& host,
          const HostDecls& decls, const RunOptions& options, RunReport& report)
      : m_book(book), m_inventory(inventory), m_host(host), m_decls(decls),
        m_options(options), m_report(report),
        m_store(options.state_dir, host.name) {
    m_recap.host = host.name;
  }

  HostRecap run(const TransportFactory& connect, const FactsGatherer& gather) {
    auto t0 = Clock::now();
    auto transport = connect(m_host);
    if (auto c = transport->connect(); !c) return unreachable(c.error().message, t0);
    auto facts = gather(*transport);
    if (!facts) return unreachable(facts.error().message, t0);
    m_platform = facts->platform;
    m_report.host_started(m_host.name, facts->description);
    auto ctx = host_context(m_book, m_inventory, m_host, facts->facts);
    auto built = build_host_states(m_decls, ctx);
    if (!built) return failed(built.error().message, t0);
    m_states = std::move(*built);
    std::vector<std::string> errors;
    if (auto r = probe_and_plan(*transport, m_platform, m_states.states, 0, errors); !r)
      return unreachable(r.error().message, t0);
    if (m_options.apply) {
      apply(*transport, errors);
    } else {
      plan(errors);
    }
    m_recap.seconds = since(t0);
    m_report.host_finished(m_recap);
    return m_recap;
  }

 private:
  HostRecap unreachable(const std::string& why, Clock::time_point t0) {
    m_recap.unreachable = true;
    m_recap.error = why;
    m_recap.seconds = since(t0);
    m_report.host_finished(m_recap);
    return m_recap;
  }
  HostRecap failed(const std::string& why, Clock::time_point t0) {
    m_recap.error = why;
    ++m_recap.failed;
    m_recap.seconds = since(t0);
    m_report.host_finished(m_recap);
    return m_recap;
  }

  void emit(const PlannedState& s, StateStatus status, std::string summary, double seconds = 0,
            std::vector<std::string> after = {}) {
    StateEvent e;
    e.host = m_host.name;
    e.id = s.id;
    e.status = status;
    e.summary = std::move(summary);
    e.diff = status == StateStatus::changed || status == StateStatus::will_change ? s.change.diff : "";
    e.after = std::move(after);
    e.handler = s.is_handler;
    e.seconds = seconds;
    m_report.state(e);
    switch (status) {
      case StateStatus::ok: ++m_recap.ok; break;
      case StateStatus::changed:
      case StateStatus::will_change:
      case StateStatus::unknown: ++m_recap.changed; break;
      case StateStatus::failed: ++m_recap.failed; break;
      case StateStatus::skipped: ++m_recap.skipped; break;
    }
  }

  // Handlers owed: from earlier runs (store) plus those notified by changes in this plan.
  std::set<std::string> handlers_triggered_by(const std::set<std::string>& changed_ids) const {
    std::set<std::string> ids;
    for (const auto& s : m_states.states)
      if (changed_ids.contains(s.id))
        ids.insert(s.notify.begin(), s.notify.end());
    for (const auto& h : m_states.handlers)
      for (const auto& w : h.watch)
        if (changed_ids.contains(w)) ids.insert(h.id);
    return ids;
  }

  void plan(const std::vector<std::string>& errors) {
    std::set<std::string> changing;
    for (std::size_t i = 0; i < m_states.states.size(); ++i) {
      auto& s = m_states.states[i];
      if (!errors[i].empty()) {
        emit(s, StateStatus::failed, errors[i]);
        continue;
      }
      auto after = changing_prerequisites(m_states, i);
      auto status = plan_status(s.change);
      if (status != StateStatus::ok) changing.insert(s.id);
      emit(s, status, s.change.summary, 0, after);
    }
    auto owed = m_store.owed();
    auto notified = handlers_triggered_by(changing);
    for (const auto& h : m_states.handlers) {
      const auto& id = h.id;
      if (owed.contains(id)) {
        emit(h, StateStatus::changed, "will run: owed from an earlier run that did not finish");
      } else if (notified.contains(id)) {
        emit(h, StateStatus::changed, "will run: notified by a change above");
      }
    }
  }

  bool prerequisites_failed(const PlannedState& s, const std::set<std::string>& bad) const {
    return std::any_of(s.requires_ids.begin(), s.requires_ids.end(),
                       [&](auto& r) { return bad.contains(r); });
  }

  void apply(Transport& transport, std::vector<std::string> errors) {
    auto& states = m_states.states;
    std::set<std::string> bad;            // failed or skipped ids
    std::set<std::string> merged;         // installed by an earlier state's package transaction
    bool stop = false;
    for (std::size_t i = 0; i < states.size(); ++i) {
      auto& s = states[i];
      if (stop || g_interrupted) {
        m_recap.interrupted = true;
        break;
      }
      if (prerequisites_failed(s, bad)) {
        bad.insert(s.id);
        emit(s, StateStatus::skipped, "a state it requires failed");
        continue;
      }
      if (!errors[i].empty()) {
        bad.insert(s.id);
        emit(s, StateStatus::failed, errors[i]);
        continue;
      }
      if (s.change.kind == ChangeKind::none) {
        if (merged.contains(s.id)) {
          emit(s, StateStatus::changed, "installed in the same package transaction");
          record_notifications(s);
        } else {
          emit(s, StateStatus::ok, s.change.summary);
        }
        continue;
      }
      auto t0 = Clock::now();
      auto commands = s.change.commands;
      std::string summary = s.change.summary;
      if (!s.resource->packages_to_install().empty()) {
        commands = merged_install(i, merged, summary);
      }
      auto ran = run_commands(transport, commands);
      if (!ran) {
        bad.insert(s.id);
        emit(s, StateStatus::failed, summary + ": " + ran.error().message, since(t0));
        continue;
      }
      // Re-read the state of this and every later state: this one must now be converged,
      // later plans may have changed because of it.
      Change applied = s.change;
      if (auto r = probe_and_plan(transport, m_platform, states, i, errors); !r) {
        m_recap.unreachable = true;
        m_recap.error = r.error().message;
        return;
      }
      if (s.resource->converges() && s.change.kind != ChangeKind::none) {
        bad.insert(s.id);
        emit(s, StateStatus::failed, "did not converge: applied '" + summary +
                                         "' but it still needs: " + s.change.summary,
             since(t0));
        continue;
      }
      s.change = std::move(applied);
      emit(s, StateStatus::changed, summary, since(t0));
      record_notifications(s);
    }
    run_handlers(transport);
  }

  // The commands of package state i, widened to every later pending install on this host:
  // one package transaction per host.
  std::vector<Command> merged_install(std::size_t i, std::set<std::string>& merged,
                                      std::string& summary) {
    auto& states = m_states.states;
    std::vector<std::string> names;
    bool refresh = false;
    std::vector<std::string> others;
    for (std::size_t j = i; j < states.size(); ++j) {
      const auto& s = states[j];
      auto pkgs = s.resource->packages_to_install();
      if (pkgs.empty() || s.change.kind != ChangeKind::change) continue;
      for (const auto& c : s.change.commands)
        if (std::find(c.argv.begin(), c.argv.end(), "update") != c.argv.end()) refresh = true;
      for (const auto& p : pkgs)
        if (std::find(names.begin(), names.end(), p) == names.end()) names.push_back(p);
      if (j != i) {
        merged.insert(s.id);
        others.push_back(s.id);
      }
    }
    if (!others.empty()) {
      std::string list;
      for (const auto& o : others) list += (list.empty() ? "" : ", ") + o;
      summary += " (one transaction with " + list + ")";
    }
    return package_install_commands(m_platform, names, refresh);
  }

  void record_notifications(const PlannedState& s) {
    std::set<std::string> changed{s.id};
    for (const auto& id : handlers_triggered_by(changed)) {
      if (auto r = m_store.add(id); !r) m_recap.error = r.error().message;
    }
  }

  void run_handlers(Transport& transport) {
    auto owed = m_store.owed();
    if (owed.empty() || m_states.handlers.empty()) return;
    for (auto& h : m_states.handlers) {
      if (!owed.contains(h.id)) continue;
      if (g_interrupted) {
        m_recap.interrupted = true;
        return;
      }
      auto t0 = Clock::now();
      std::vector<PlannedState> one;
      one.push_back(std::move(h));
      std::vector<std::string> errors;
      auto r = probe_and_plan(transport, m_platform, one, 0, errors);
      h = std::move(one.front());
      if (!r || !errors[0].empty()) {
        emit(h, StateStatus::failed, r ? errors[0] : r.error().message, since(t0));
        continue;
      }
      auto ran = run_commands(transport, h.change.commands);
      if (!ran) {
        emit(h, StateStatus::failed, h.change.summary + ": " + ran.error().message, since(t0));
        continue;
      }
      if (auto c = m_store.clear(h.id); !c) m_recap.error = c.error().message;
      emit(h, StateStatus::changed, h.change.summary, since(t0));
    }
  }

  const Playbook& m_book;
  const Inventory& m_inventory;
  const Host& m_host;
  const HostDecls& m_decls;
  const RunOptions& m_options;
  RunReport& m_report;
  NotifyStore m_store;
  Platform m_platform;
  HostStates m_states;
  HostRecap m_recap;
};

}  // namespace

Result<RunOutcome> run_playbook(const Playbook& book, const Inventory& inventory,
                                const RunOptions& options, const TransportFactory& connect,
                                const FactsGatherer& gather, const YAML::Node& fact_stub,
                                RunReport& report) {
  auto t0 = Clock::now();
  // Which hosts: every host some play targets, in inventory order, within --limit.
  std::set<const Host*> targeted;
  for (const auto& play : book.plays) {
    auto hosts = inventory.match(play.hosts);
    if (!hosts) return bad_input(play.where.str() + ": play '" + play.name + "': " + hosts.error().message);
    targeted.insert(hosts->begin(), hosts->end());
  }
  std::set<const Host*> limited = targeted;
  if (!options.limit.empty()) {
    auto hosts = inventory.match(options.limit);
    if (!hosts) return std::unexpected(Error{"--limit: " + hosts.error().message, ExitCode::bad_input});
    std::set<const Host*> allowed(hosts->begin(), hosts->end());
    std::erase_if(limited, [&](const Host* h) { return !allowed.contains(h); });
  }
  std::vector<const Host*> hosts;
  for (const auto& h : inventory.hosts)
    if (limited.contains(&h)) hosts.push_back(&h);
  if (hosts.empty()) return bad_input("no host matches the playbook's plays" + std::string(options.limit.empty() ? "" : " within --limit " + options.limit));

  // Validate everything for every host before contacting any.
  std::vector<HostDecls> decls;
  for (const auto* h : hosts) {
    auto d = select_decls(book, inventory, *h, options.tags);
    if (!d) return std::unexpected(d.error());
    auto ctx = host_context(book, inventory, *h, fact_stub);
    auto built = build_host_states(*d, ctx);
    if (!built) return std::unexpected(built.error());
    decls.push_back(std::move(*d));
  }

  RunOutcome outcome;
  outcome.hosts.resize(hosts.size());
  std::atomic<std::size_t> done{0};
  reporter().progress(fmt::format("0/{} hosts done", hosts.size()));
  auto failures = parallel_for(hosts.size(), options.forks, [&](std::size_t i) {
    HostRun run(book, inventory, *hosts[i], decls[i], options, report);
    outcome.hosts[i] = run.run(connect, gather);
    reporter().progress(fmt::format("{}/{} hosts done (last: {})", ++done, hosts.size(), hosts[i]->name));
  });
  for (const auto& f : failures) {  // an exception is that host's failure, not the run's end
    HostRecap& recap = outcome.hosts[f.index];
    recap.host = hosts[f.index]->name;
    recap.failed = std::max(recap.failed, 1);
    recap.error = "internal error: " + f.what;
  }
  for (const auto& h : outcome.hosts) outcome.changes += h.changed;
  report.recap(outcome.hosts, since(t0));
  return outcome;
}

}  // namespace forja
