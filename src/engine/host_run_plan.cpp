#include <algorithm>

#include "engine/host_run.hpp"
#include "util/text.hpp"

namespace forja {

void HostRun::plan() {
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
        emit(s, StateStatus::unknown,
             "cannot be known before the states it requires run (today: " + s.error + ")", 0,
             after);
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
      case ChangeKind::none:
        m_outcomes[i] = Outcome::ok;
        break;
      case ChangeKind::change:
        m_outcomes[i] = Outcome::changed;
        break;
      case ChangeKind::unknown:
        m_outcomes[i] = Outcome::unknown;
        break;
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
std::pair<std::vector<std::string>, std::vector<std::string>> HostRun::notifiers_of(
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

}  // namespace forja
