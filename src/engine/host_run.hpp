#pragma once

// One host's plan or apply (engine-internal): probe every state in one round trip, then plan
// (host_run_plan.cpp) or apply state by state with read-backs (host_run_apply.cpp), run the
// owed handlers and read every applied state once more (host_run_handlers.cpp).

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/host_plan.hpp"
#include "engine/notify_store.hpp"
#include "engine/runner.hpp"

namespace forja {

using Clock = std::chrono::steady_clock;

// Seconds since t0.
[[nodiscard]] double since(Clock::time_point t0);

// What a command is called in messages: the program, or the name a script gives itself.
[[nodiscard]] std::string command_name(const Command& c);

// Run commands one round trip each, stopping at the first that fails.
[[nodiscard]] Result<void> run_commands(Transport& transport, std::vector<Command> commands,
                                        std::chrono::seconds timeout);

// How a state ends up in a plan or an apply.
enum class Outcome { pending, ok, changed, unknown, failed, skipped };

[[nodiscard]] StateStatus status_of(Outcome o);

class HostRun {
 public:
  HostRun(const Playbook& book, const SharedTemplateData& shared, const Host& host,
          const HostDecls& decls, const RunOptions& options, RunReport& report);

  HostRecap run(const TransportFactory& connect, const FactsSource& facts_source);

 private:
  enum class Reading { plan, after_change };

  // The probes of states [from, end) (the host's facts first, when asked), with how many
  // each state has. The state at `from` is read back as just changed when `reading` says so.
  struct ProbeSet {
    std::size_t from = 0;
    bool facts = false;
    std::vector<Probe> probes;
    std::vector<std::size_t> counts;
  };

  HostRecap finish();

  HostRecap unreachable(const std::string& why);

  HostRecap failed(const std::string& why);

  Result<GatheredFacts> gather(Transport& transport, Privilege privilege);

  ProbeSet probes_from(std::size_t from, bool facts, Reading reading) const;

  // Probe states [from, end) in one round trip and plan them again (see take_outputs).
  Result<void> probe_states(Transport& transport, std::size_t from, bool facts,
                            Reading reading = Reading::plan);

  // Plan the states of `set` from their probes' outputs. When the facts were read too and
  // changed, the later states that read facts are rebuilt and probed once more.
  Result<void> take_outputs(Transport& transport, const ProbeSet& set,
                            const std::vector<ProbeOutput>& outputs);

  // Run state i's commands and, when they all succeed, read it and every later state back:
  // one round trip. A transport failure is an Error; a failed command is its message.
  Result<std::optional<std::string>> run_and_read_back(Transport& transport, std::size_t i,
                                                       std::vector<Command> commands, bool facts);

  void plan_from(PlannedState& s, const std::vector<ProbeOutput>& outputs);

  // A removal that would take along a package another state of this host declares present
  // is refused: apply would remove it, and the next run would install it again.
  void refuse_removals_of_declared_packages();

  void emit(const PlannedState& s, StateStatus status, std::string summary, double seconds = 0,
            std::vector<std::string> after = {});

  std::size_t index_of(const std::string& id) const;

  // The first requisite of state i that failed or was skipped, or "".
  std::string bad_requisite(std::size_t i) const;

  // Whether applying `changer` may alter a fact `reader` reads.
  static bool alters_facts_of(const PlannedState& changer, const PlannedState& reader);

  // Earlier states that are changing and may change the facts state i reads.
  std::vector<std::string> fact_changers_before(std::size_t i) const;

  void plan();

  // The states whose change (sure) or possible change (maybe) notifies handler h.
  std::pair<std::vector<std::string>, std::vector<std::string>> notifiers_of(
      const PlannedState& h) const;

  void apply(Transport& transport);

  void lost(const std::string& why);

  bool later_reads_facts_of(std::size_t i) const;

  // Later package states whose installs can join state i's transaction: nothing they require
  // is still to come or has failed.
  std::vector<std::size_t> transaction_partners(std::size_t i) const;

  std::vector<Command> transaction_commands(std::size_t i,
                                            const std::vector<std::size_t>& others) const;

  // Record what a change of `s` (applied as the host's state `at`) owes; returns the handlers
  // that were not owed before.
  std::vector<std::string> record_notifications(const PlannedState& s, std::size_t at);

  // Take back notifications recorded for a change that did not happen.
  void unrecord(const std::vector<std::string>& ids);

  // Run the owed handlers; true when one of them ran commands.
  bool run_handlers(Transport& transport);

  // One more read of every state that applied: a later state, a handler or a package
  // removal may have undone it. What is no longer converged is a failure, with what it needs.
  void final_check(Transport& transport);

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
  std::map<std::string, std::pair<std::size_t, std::string>>
      m_refreshed_at;  // "service x" -> state
  HostRecap m_recap;
};

}  // namespace forja
