#include "engine/host_run.hpp"

namespace forja {

// Run the owed handlers; true when one of them ran commands.
bool HostRun::run_handlers(Transport& transport) {
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
        emit(h, StateStatus::ok,
             "nothing to do: " + it->second.second +
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
void HostRun::final_check(Transport& transport) {
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
    std::string needs = !change                            ? change.error().message
                        : change->kind != ChangeKind::none ? change->summary
                                                           : "";
    if (needs.empty()) continue;
    m_outcomes[checked[c]] = Outcome::failed;
    emit(s, StateStatus::failed,
         "no longer converged at the end of the run (a later state or a handler undid it); "
         "it now needs: " +
             needs);
  }
}

}  // namespace forja
