#include <algorithm>

#include "engine/context.hpp"
#include "engine/host_run.hpp"
#include "util/text.hpp"

namespace forja {

HostRun::ProbeSet HostRun::probes_from(std::size_t from, bool facts, Reading reading) const {
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
Result<void> HostRun::probe_states(Transport& transport, std::size_t from, bool facts,
                                   Reading reading) {
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
Result<void> HostRun::take_outputs(Transport& transport, const ProbeSet& set,
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
    plan_from(states[i],
              {outputs.begin() + static_cast<long>(k), outputs.begin() + static_cast<long>(k + n)});
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
Result<std::optional<std::string>> HostRun::run_and_read_back(Transport& transport, std::size_t i,
                                                              std::vector<Command> commands,
                                                              bool facts) {
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
    if (auto r = probe_states(transport, i, facts, Reading::after_change); !r)
      return std::unexpected(r.error());
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

void HostRun::plan_from(PlannedState& s, const std::vector<ProbeOutput>& outputs) {
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
void HostRun::refuse_removals_of_declared_packages() {
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

}  // namespace forja
