#include "engine/runner.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "engine/context.hpp"
#include "engine/host_plan.hpp"
#include "engine/notify_store.hpp"
#include "engine/selection.hpp"
#include "report/reporter.hpp"
#include "resources/package.hpp"
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

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// What a command is called in messages: the program, or the name a script gives itself.
std::string command_name(const Command& c) {
  const auto& a = c.argv;
  if (a.empty()) return "command";
  if (a[0] == "sh" && a.size() >= 4 && a[1] == "-c") return a[3];
  if (a[0] == "env") {
    for (const auto& w : a)
      if (w != "env" && w.find('=') == std::string::npos) return w;
  }
  if (a[0] == "runuser" && a.size() >= 5) return a[4];
  return a[0];
}

Result<void> run_commands(Transport& transport, std::vector<Command> commands,
                          std::chrono::seconds timeout) {
  for (auto& c : commands) {
    if (timeout.count() > 0) c.timeout = timeout;
    auto r = transport.exec(c);
    if (!r) return fail(command_name(c) + ": " + r.error().message, r.error().code);
    if (r->exit_status != 0) {
      std::string detail = last_lines(r->err.empty() ? r->out : r->err, 6);
      return fail(command_name(c) + " exited " + std::to_string(r->exit_status) +
                  (detail.empty() ? "" : ": " + detail));
    }
  }
  return {};
}

// How a state ends up in a plan or an apply.
enum class Outcome { pending, ok, changed, unknown, failed, skipped };

StateStatus status_of(Outcome o) {
  switch (o) {
    case Outcome::ok: return StateStatus::ok;
    case Outcome::changed: return StateStatus::changed;
    case Outcome::unknown: return StateStatus::unknown;
    case Outcome::failed: return StateStatus::failed;
    case Outcome::skipped: return StateStatus::skipped;
    case Outcome::pending: break;
  }
  return StateStatus::unknown;
}

class HostRun {
 public:
  HostRun(const Playbook& book, const SharedTemplateData& shared, const Host& host,
          const HostDecls& decls, const RunOptions& options, RunReport& report)
      : m_book(book), m_shared(shared), m_host(host), m_decls(decls), m_options(options),
        m_report(report), m_store(options.state_dir, host.name) {
    m_recap.host = host.name;
  }

  HostRecap run(const TransportFactory& connect, const FactsSource& facts_source) {
    m_t0 = Clock::now();
    m_facts_source = &facts_source;
    auto transport = connect(m_host);
    if (auto c = transport->connect(); !c) return unreachable(c.error().message);
    auto facts = gather(*transport, Privilege::user);
    if (!facts) return unreachable(facts.error().message);
    m_report.host_started(m_host.name, facts->description);
    m_context = host_context(m_book, m_host, facts->facts);
    auto built = build_host_states(m_decls, m_context, m_host.name, &m_shared);
    if (!built) return failed(built.error().message);
    m_states = std::move(*built);
    m_outcomes.assign(m_states.states.size(), Outcome::pending);
    if (auto r = probe_states(*transport, 0, false); !r) return unreachable(r.error().message);
    if (m_options.apply) {
      apply(*transport);
    } else {
      plan();
    }
    return finish();
  }

 private:
  HostRecap finish() {
    m_recap.seconds = since(m_t0);
    m_report.host_finished(m_recap);
    return m_recap;
  }
  HostRecap unreachable(const std::string& why) {
    m_recap.unreachable = true;
    m_recap.error = why;
    return finish();
  }
  HostRecap failed(const std::string& why) {
    m_recap.error = why;
    ++m_recap.failed;
    return finish();
  }

  Result<GatheredFacts> gather(Transport& transport, Privilege privilege) {
    auto out = transport.probe({m_facts_source->probe}, privilege);
    if (!out) return std::unexpected(out.error());
    auto facts = m_facts_source->parse(out->front());
    if (!facts) return facts;
    m_platform = facts->platform;
    m_facts_dump = YAML::Dump(facts->facts);
    return facts;
  }

  enum class Reading { plan, after_change };

  // The probes of states [from, end) (the host's facts first, when asked), with how many
  // each state has. The state at `from` is read back as just changed when `reading` says so.
  struct ProbeSet {
    std::size_t from = 0;
    bool facts = false;
    std::vector<Probe> probes;
    std::vector<std::size_t> counts;
  };
  ProbeSet probes_from(std::size_t from, bool facts, Reading reading) const {
    const auto& states = m_states.states;
    ProbeSet set{from, facts, {}, {}};
    if (facts) set.probes.push_back(m_facts_source->probe);
    for (std::size_t i = from; i < states.size(); ++i) {
      auto p = i == from && reading == Reading::after_change
                   ? states[i].resource->probes_after_change(m_platform)
                   : states[i].resource->probes(m_platform);
      set.counts.push_back(p.size());
      set.probes.insert(set.probes.end(), p.begin(), p.end());
    }
    return set;
  }

  // Probe states [from, end) in one round trip and plan them again (see take_outputs).
  Result<void> probe_states(Transport& transport, std::size_t from, bool facts,
                            Reading reading = Reading::plan) {
    auto set = probes_from(from, facts, reading);
    std::vector<ProbeOutput> outputs;
    if (!set.probes.empty()) {
      auto got = transport.probe(set.probes, Privilege::become);
      if (!got) return std::unexpected(got.error());
      outputs = std::move(*got);
    }
    return take_outputs(transport, set, outputs);
  }

  // Plan the states of `set` from their probes' outputs. When the facts were read too and
  // changed, the later states that read facts are rebuilt and probed once more.
  Result<void> take_outputs(Transport& transport, const ProbeSet& set,
                            const std::vector<ProbeOutput>& outputs) {
    auto& states = m_states.states;
    std::size_t k = 0;
    bool facts_changed = false;
    if (set.facts) {
      auto before = m_facts_dump;
      auto fresh = m_facts_source->parse(outputs.at(k++));
      if (fresh) {
        m_platform = fresh->platform;
        m_facts_dump = YAML::Dump(fresh->facts);
        if (m_facts_dump != before) {
          facts_changed = true;
          m_context = host_context(m_book, m_host, fresh->facts);
        }
      }
    }
    for (std::size_t i = set.from; i < states.size(); ++i) {
      std::size_t n = set.counts[i - set.from];
      plan_from(states[i], {outputs.begin() + static_cast<long>(k),
                            outputs.begin() + static_cast<long>(k + n)});
      k += n;
    }
    refuse_removals_of_declared_packages();
    if (!facts_changed) return {};
    bool rebuilt = false;
    for (std::size_t i = set.from + 1; i < states.size(); ++i) {
      if (states[i].facts_read.empty()) continue;
      auto fresh = rebuild_state(states[i], m_context, &m_shared);
      if (!fresh) {
        states[i].error = fresh.error().message;
        continue;
      }
      states[i] = std::move(*fresh);
      rebuilt = true;
    }
    return rebuilt ? probe_states(transport, set.from + 1, false) : Result<void>{};
  }

  // Run state i's commands and, when they all succeed, read it and every later state back:
  // one round trip. A transport failure is an Error; a failed command is its message.
  Result<std::optional<std::string>> run_and_read_back(Transport& transport, std::size_t i,
                                                       std::vector<Command> commands, bool facts) {
    const auto& s = m_states.states[i];
    for (auto& c : commands)
      if (s.timeout.count() > 0) c.timeout = s.timeout;
    bool one_privilege = std::all_of(commands.begin(), commands.end(),
                                     [](auto& c) { return c.privilege == Privilege::become; });
    if (!one_privilege) {
      if (auto ran = run_commands(transport, commands, s.timeout); !ran) {
        if (ran.error().code == ExitCode::unreachable) return std::unexpected(ran.error());
        return ran.error().message;
      }
      if (auto r = probe_states(transport, i, facts, Reading::after_change); !r) return std::unexpected(r.error());
      return std::nullopt;
    }
    auto set = probes_from(i, facts, Reading::after_change);
    auto batch = transport.run_then_probe(commands, set.probes, Privilege::become);
    if (!batch) {
      if (batch.error().code == ExitCode::unreachable) return std::unexpected(batch.error());
      return batch.error().message;
    }
    if (!batch->probes) {
      const auto& failed = batch->commands.back();
      const auto& command = commands[batch->commands.size() - 1];
      auto detail = last_lines(failed.out, 6);
      return command_name(command) + " exited " + std::to_string(failed.exit_status) +
             (detail.empty() ? "" : ": " + detail);
    }
    if (auto r = take_outputs(transport, set, *batch->probes); !r) return std::unexpected(r.error());
    return std::nullopt;
  }

  void plan_from(PlannedState& s, const std::vector<ProbeOutput>& outputs) {
    auto change = s.resource->plan(outputs, m_platform);
    if (change) {
      s.change = std::move(*change);
      s.error.clear();
    } else {
      s.change = Change{ChangeKind::unknown, "", {}, ""};
      s.error = change.error().message;
    }
  }

  // A removal that would take along a package another state of this host declares present
  // is refused: apply would remove it, and the next run would install it again.
  void refuse_removals_of_declared_packages() {
    std::map<std::string, std::string> declared;  // package -> state id
    for (const auto& s : m_states.states)
      for (const auto& p : s.resource->packages_to_install()) declared.emplace(p, s.id);
    for (auto& s : m_states.states) {
      for (const auto& p : s.change.removes) {
        auto it = declared.find(p);
        if (it == declared.end()) continue;
        s.error = "this removal would also remove " + p + ", which " + it->second +
                  " declares present; refusing (apply would remove it and the next run would "
                  "install it again)";
        s.change = Change{ChangeKind::unknown, "", {}, ""};
        break;
      }
    }
  }

  void emit(const PlannedState& s, StateStatus status, std::string summary, double seconds = 0,
            std::vector<std::string> after = {}) {
    StateEvent e;
    e.host = m_host.name;
    e.id = s.id;
    e.status = status;
    e.summary = std::move(summary);
    e.diff = status == StateStatus::changed || status == StateStatus::will_change ||
                     status == StateStatus::unknown
                 ? s.change.diff
                 : "";
    e.after = std::move(after);
    e.handler = s.is_handler;
    e.seconds = seconds;
    m_report.state(e);
    switch (status) {
      case StateStatus::ok: ++m_recap.ok; break;
      case StateStatus::changed:
      case StateStatus::will_change: ++m_recap.changed; break;
      case StateStatus::unknown: ++m_recap.unknown; break;
      case StateStatus::failed: ++m_recap.failed; break;
      case StateStatus::skipped: ++m_recap.skipped; break;
    }
  }

  std::size_t index_of(const std::string& id) const {
    for (std::size_t i = 0; i < m_states.states.size(); ++i)
      if (m_states.states[i].id == id) return i;
    return m_states.states.size();
  }

  // The first requisite of state i that failed or was skipped, or "".
  std::string bad_requisite(std::size_t i) const {
    for (const auto& r : m_states.states[i].requires_ids) {
      auto j = index_of(r);
      if (j < i && (m_outcomes[j] == Outcome::failed || m_outcomes[j] == Outcome::skipped)) return r;
    }
    return "";
  }

  // Whether applying `changer` may alter a fact `reader` reads.
  static bool alters_facts_of(const PlannedState& changer, const PlannedState& reader) {
    if (reader.facts_read.empty()) return false;
    for (const auto& f : changer.resource->facts_it_may_change())
      if (f == "*" || reader.facts_read.contains("*") || reader.facts_read.contains(f)) return true;
    return false;
  }

  // Earlier states that are changing and may change the facts state i reads.
  std::vector<std::string> fact_changers_before(std::size_t i) const {
    std::vector<std::string> out;
    for (std::size_t j = 0; j < i; ++j) {
      const auto& s = m_states.states[j];
      if (alters_facts_of(s, m_states.states[i]) &&
          (m_outcomes[j] == Outcome::changed || m_outcomes[j] == Outcome::unknown)) {
        out.push_back(s.id);
      }
    }
    return out;
  }

  // ---- plan ----

  void plan() {
    auto& states = m_states.states;
    for (std::size_t i = 0; i < states.size(); ++i) {
      auto& s = states[i];
      if (auto bad = bad_requisite(i); !bad.empty()) {
        m_outcomes[i] = Outcome::skipped;
        emit(s, StateStatus::skipped, "will be skipped: " + bad + " fails");
        continue;
      }
      auto after = changing_prerequisites(m_states, i);
      if (!s.error.empty()) {
        if (after.empty()) {
          m_outcomes[i] = Outcome::failed;
          emit(s, StateStatus::failed, s.error);
        } else {
          // An earlier change may fix what fails today (a symlink removed, a user created).
          m_outcomes[i] = Outcome::unknown;
          emit(s, StateStatus::unknown, "cannot be known before the states it requires run (today: " +
                                            s.error + ")", 0, after);
        }
        continue;
      }
      auto changers = fact_changers_before(i);
      if (!changers.empty() && s.change.kind != ChangeKind::unknown) {
        m_outcomes[i] = Outcome::unknown;
        for (const auto& c : changers)
          if (std::find(after.begin(), after.end(), c) == after.end()) after.push_back(c);
        emit(s, StateStatus::unknown,
             "reads facts that an earlier change may alter; today: " + s.change.summary, 0, after);
        continue;
      }
      switch (s.change.kind) {
        case ChangeKind::none: m_outcomes[i] = Outcome::ok; break;
        case ChangeKind::change: m_outcomes[i] = Outcome::changed; break;
        case ChangeKind::unknown: m_outcomes[i] = Outcome::unknown; break;
      }
      emit(s, status_of(m_outcomes[i]), s.change.summary, 0, after);
    }
    for (const auto& h : m_states.handlers) {
      if (m_store.owes(h.id)) {
        emit(h, StateStatus::changed, "will run: owed from an earlier run that did not finish");
        continue;
      }
      auto [sure, maybe] = notifiers_of(h);
      if (!sure.empty()) {
        emit(h, StateStatus::changed, "will run: notified by " + join(sure));
      } else if (!maybe.empty()) {
        emit(h, StateStatus::unknown, "may run: notified if " + join(maybe) + " changes");
      }
    }
  }

  // The states whose change (sure) or possible change (maybe) notifies handler h.
  std::pair<std::vector<std::string>, std::vector<std::string>> notifiers_of(
      const PlannedState& h) const {
    std::vector<std::string> sure, maybe;
    for (std::size_t i = 0; i < m_states.states.size(); ++i) {
      const auto& s = m_states.states[i];
      bool notifies = std::find(s.notify.begin(), s.notify.end(), h.id) != s.notify.end() ||
                      std::find(h.watch.begin(), h.watch.end(), s.id) != h.watch.end();
      if (!notifies) continue;
      if (m_outcomes[i] == Outcome::changed) sure.push_back(s.id);
      if (m_outcomes[i] == Outcome::unknown) maybe.push_back(s.id);
    }
    return {sure, maybe};
  }

  // ---- apply ----

  void apply(Transport& transport) {
    auto& states = m_states.states;
    std::map<std::size_t, std::string> merged;  // state -> the state whose transaction installed it
    for (std::size_t i = 0; i < states.size(); ++i) {
      auto& s = states[i];
      if (g_interrupted) {
        m_recap.interrupted = true;
        break;
      }
      if (auto bad = bad_requisite(i); !bad.empty()) {
        m_outcomes[i] = Outcome::skipped;
        emit(s, StateStatus::skipped, "a state it requires failed: " + bad);
        continue;
      }
      if (!s.error.empty()) {
        m_outcomes[i] = Outcome::failed;
        emit(s, StateStatus::failed, s.error);
        continue;
      }
      if (s.change.kind == ChangeKind::none) {
        if (auto m = merged.find(i); m != merged.end()) {
          m_outcomes[i] = Outcome::changed;
          emit(s, StateStatus::changed, "installed in the same package transaction as " + m->second);
        } else {
          m_outcomes[i] = Outcome::ok;
          emit(s, StateStatus::ok, s.change.summary);
        }
        continue;
      }
      auto t0 = Clock::now();
      std::string summary = s.change.summary;
      auto commands = s.change.commands;
      std::vector<std::size_t> others;
      if (!s.change.install.empty()) {
        others = transaction_partners(i);
        if (!others.empty()) commands = transaction_commands(i, others);
      }
      // What the change owes is recorded before it is made: the commands and the read-back
      // are one round trip, and if the connection drops during it nobody can say whether the
      // change happened. A restart too many is better than one lost; a command that failed
      // takes its notifications back.
      auto recorded = record_notifications(s, i);
      for (auto j : others) {
        auto more = record_notifications(states[j], i);
        recorded.insert(recorded.end(), more.begin(), more.end());
      }
      // Commands and the read-back of this and every later state in one round trip: this
      // one must now be converged, later plans may have changed because of it.
      Change applied = s.change;
      bool facts = later_reads_facts_of(i);
      auto ran = run_and_read_back(transport, i, commands, facts);
      if (ran && *ran && !others.empty()) {
        // The merged transaction failed: blame nobody else, install this state's own alone.
        unrecord(recorded);
        recorded = record_notifications(s, i);
        others.clear();
        ran = run_and_read_back(transport, i, applied.commands, facts);
      }
      if (!ran) {
        m_outcomes[i] = Outcome::failed;
        emit(s, StateStatus::failed, summary + ": " + ran.error().message, since(t0));
        return lost(ran.error().message);
      }
      if (*ran) {
        unrecord(recorded);
        m_outcomes[i] = Outcome::failed;
        s.change = std::move(applied);
        emit(s, StateStatus::failed, summary + ": " + **ran, since(t0));
        continue;
      }
      for (auto j : others) merged[j] = s.id;
      if (!others.empty()) {
        std::vector<std::string> ids;
        for (auto j : others) ids.push_back(states[j].id);
        summary += " (one transaction with " + join(ids) + ")";
      }
      if (s.resource->converges() && (s.change.kind != ChangeKind::none || !s.error.empty())) {
        m_outcomes[i] = Outcome::failed;
        emit(s, StateStatus::failed,
             "did not converge: applied '" + summary + "' but it still needs: " +
                 (s.error.empty() ? s.change.summary : s.error),
             since(t0));
        continue;
      }
      s.change = std::move(applied);
      for (const auto& r : s.change.refreshes) m_refreshed_at[r] = {i, s.id};
      m_outcomes[i] = Outcome::changed;
      emit(s, StateStatus::changed, summary, since(t0));
    }
    if (m_recap.interrupted) return;
    bool handlers_ran = run_handlers(transport);
    // Nothing changed since the plan read every state: no need to read them again.
    bool changed = handlers_ran || std::any_of(m_outcomes.begin(), m_outcomes.end(),
                                               [](Outcome o) { return o == Outcome::changed; });
    if (!m_recap.interrupted && changed) final_check(transport);
  }

  void lost(const std::string& why) {
    m_recap.unreachable = true;
    m_recap.error = why;
  }

  bool later_reads_facts_of(std::size_t i) const {
    for (std::size_t j = i + 1; j < m_states.states.size(); ++j)
      if (alters_facts_of(m_states.states[i], m_states.states[j])) return true;
    return false;
  }

  // Later package states whose installs can join state i's transaction: nothing they require
  // is still to come or has failed.
  std::vector<std::size_t> transaction_partners(std::size_t i) const {
    std::vector<std::size_t> out;
    const auto& states = m_states.states;
    for (std::size_t j = i + 1; j < states.size(); ++j) {
      const auto& s = states[j];
      if (s.change.kind != ChangeKind::change || s.change.install.empty() || !s.error.empty()) continue;
      bool ready = std::all_of(s.requires_ids.begin(), s.requires_ids.end(), [&](auto& r) {
        auto k = index_of(r);
        return k < i && m_outcomes[k] != Outcome::failed && m_outcomes[k] != Outcome::skipped;
      });
      if (ready) out.push_back(j);
    }
    return out;
  }

  std::vector<Command> transaction_commands(std::size_t i, const std::vector<std::size_t>& others) const {
    const auto& states = m_states.states;
    std::vector<std::string> names = states[i].change.install;
    bool refresh = states[i].change.refresh_index;
    for (auto j : others) {
      for (const auto& n : states[j].change.install)
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
      refresh = refresh || states[j].change.refresh_index;
    }
    return package_install_commands(m_platform, names, refresh);
  }

  // Record what a change of `s` (applied as the host's state `at`) owes; returns the handlers
  // that were not owed before.
  std::vector<std::string> record_notifications(const PlannedState& s, std::size_t at) {
    std::set<std::string> ids(s.notify.begin(), s.notify.end());
    for (const auto& h : m_states.handlers)
      if (std::find(h.watch.begin(), h.watch.end(), s.id) != h.watch.end()) ids.insert(h.id);
    std::vector<std::string> added;
    for (const auto& id : ids) {
      m_notified_at[id] = at;
      if (m_store.owes(id)) continue;
      if (auto r = m_store.add(id); !r) {
        m_recap.error = r.error().message;
        ++m_recap.failed;
      } else {
        added.push_back(id);
      }
    }
    return added;
  }

  // Take back notifications recorded for a change that did not happen.
  void unrecord(const std::vector<std::string>& ids) {
    for (const auto& id : ids)
      if (auto r = m_store.clear(id); !r) m_recap.error = r.error().message;
  }

  // Run the owed handlers; true when one of them ran commands.
  bool run_handlers(Transport& transport) {
    bool ran_any = false;
    for (auto& h : m_states.handlers) {
      if (!m_store.owes(h.id)) continue;
      if (g_interrupted) {
        m_recap.interrupted = true;
        return ran_any;
      }
      auto t0 = Clock::now();
      // A restart owed for a change after which a state started the same service anew: the
      // service already runs what the change made.
      if (auto it = m_refreshed_at.find(h.resource->refreshes()); it != m_refreshed_at.end()) {
        auto notified = m_notified_at.find(h.id);
        if (notified == m_notified_at.end() || it->second.first > notified->second) {
          if (auto c = m_store.clear(h.id); !c) m_recap.error = c.error().message;
          emit(h, StateStatus::ok, "nothing to do: " + it->second.second +
                                       " started it after the change that notified this handler");
          continue;
        }
      }
      auto probes = h.resource->probes(m_platform);
      auto outputs = transport.probe(probes, Privilege::become);
      if (!outputs) {
        lost(outputs.error().message);
        return ran_any;
      }
      plan_from(h, *outputs);
      if (!h.error.empty()) {
        emit(h, StateStatus::failed, h.error, since(t0));
        continue;
      }
      if (h.change.kind == ChangeKind::none) {
        if (auto c = m_store.clear(h.id); !c) m_recap.error = c.error().message;
        emit(h, StateStatus::ok, "nothing to do: " + h.change.summary, since(t0));
        continue;
      }
      ran_any = true;
      auto ran = run_commands(transport, h.change.commands, h.timeout);
      if (!ran) {
        emit(h, StateStatus::failed, h.change.summary + ": " + ran.error().message, since(t0));
        if (ran.error().code == ExitCode::unreachable) {
          lost(ran.error().message);
          return ran_any;
        }
        continue;
      }
      if (auto c = m_store.clear(h.id); !c) m_recap.error = c.error().message;
      emit(h, StateStatus::changed, h.change.summary, since(t0));
    }
    return ran_any;
  }

  // One more read of every state that applied: a later state, a handler or a package
  // removal may have undone it. What is no longer converged is a failure, with what it needs.
  void final_check(Transport& transport) {
    auto& states = m_states.states;
    std::vector<std::size_t> checked;
    std::vector<Probe> probes;
    std::vector<std::size_t> counts;
    for (std::size_t i = 0; i < states.size(); ++i) {
      if (m_outcomes[i] != Outcome::ok && m_outcomes[i] != Outcome::changed) continue;
      if (!states[i].resource->converges()) continue;
      auto p = states[i].resource->probes_after_change(m_platform);
      checked.push_back(i);
      counts.push_back(p.size());
      probes.insert(probes.end(), p.begin(), p.end());
    }
    if (probes.empty()) return;
    auto outputs = transport.probe(probes, Privilege::become);
    if (!outputs) return lost(outputs.error().message);
    std::size_t k = 0;
    for (std::size_t c = 0; c < checked.size(); ++c) {
      auto& s = states[checked[c]];
      std::vector<ProbeOutput> mine(outputs->begin() + static_cast<long>(k),
                                    outputs->begin() + static_cast<long>(k + counts[c]));
      k += counts[c];
      auto change = s.resource->plan(mine, m_platform);
      std::string needs = !change ? change.error().message
                          : change->kind != ChangeKind::none ? change->summary
                                                             : "";
      if (needs.empty()) continue;
      m_outcomes[checked[c]] = Outcome::failed;
      emit(s, StateStatus::failed,
           "no longer converged at the end of the run (a later state or a handler undid it); "
           "it now needs: " + needs);
    }
  }

  const Playbook& m_book;
  const SharedTemplateData& m_shared;  // every host's `groups`, converted once, only read
  const Host& m_host;
  const HostDecls& m_decls;
  const RunOptions& m_options;
  RunReport& m_report;
  NotifyStore m_store;
  const FactsSource* m_facts_source = nullptr;
  Clock::time_point m_t0;
  Platform m_platform;
  YAML::Node m_context;
  std::string m_facts_dump;
  HostStates m_states;
  std::vector<Outcome> m_outcomes;
  std::map<std::string, std::size_t> m_notified_at;  // handler -> last state that notified it
  std::map<std::string, std::pair<std::size_t, std::string>> m_refreshed_at;  // "service x" -> state
  HostRecap m_recap;
};

}  // namespace

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
    reporter().progress(fmt::format("{}/{} hosts done (last: {})", ++done, hosts.size(), hosts[i]->name));
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
