#include <algorithm>
#include <set>

#include "engine/host_run.hpp"
#include "resources/package.hpp"
#include "util/text.hpp"

namespace forja {

void HostRun::apply(Transport& transport) {
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
           "did not converge: applied '" + summary +
               "' but it still needs: " + (s.error.empty() ? s.change.summary : s.error),
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

// Later package states whose installs can join state i's transaction: nothing they require
// is still to come or has failed.
std::vector<std::size_t> HostRun::transaction_partners(std::size_t i) const {
  std::vector<std::size_t> out;
  const auto& states = m_states.states;
  for (std::size_t j = i + 1; j < states.size(); ++j) {
    const auto& s = states[j];
    if (s.change.kind != ChangeKind::change || s.change.install.empty() || !s.error.empty())
      continue;
    bool ready = std::all_of(s.requires_ids.begin(), s.requires_ids.end(), [&](auto& r) {
      auto k = index_of(r);
      return k < i && m_outcomes[k] != Outcome::failed && m_outcomes[k] != Outcome::skipped;
    });
    if (ready) out.push_back(j);
  }
  return out;
}

std::vector<Command> HostRun::transaction_commands(std::size_t i,
                                                   const std::vector<std::size_t>& others) const {
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
std::vector<std::string> HostRun::record_notifications(const PlannedState& s, std::size_t at) {
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
void HostRun::unrecord(const std::vector<std::string>& ids) {
  for (const auto& id : ids)
    if (auto r = m_store.clear(id); !r) m_recap.error = r.error().message;
}

}  // namespace forja
