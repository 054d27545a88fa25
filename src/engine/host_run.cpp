#include "engine/host_run.hpp"

#include <algorithm>

#include "engine/context.hpp"
#include "util/text.hpp"

namespace forja {

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

StateStatus status_of(Outcome o) {
  switch (o) {
    case Outcome::ok:
      return StateStatus::ok;
    case Outcome::changed:
      return StateStatus::changed;
    case Outcome::unknown:
      return StateStatus::unknown;
    case Outcome::failed:
      return StateStatus::failed;
    case Outcome::skipped:
      return StateStatus::skipped;
    case Outcome::pending:
      break;
  }
  return StateStatus::unknown;
}

HostRun::HostRun(const Playbook& book, const SharedTemplateData& shared, const Host& host,
                 const HostDecls& decls, const RunOptions& options, RunReport& report)
    : m_book(book),
      m_shared(shared),
      m_host(host),
      m_decls(decls),
      m_options(options),
      m_report(report),
      m_store(options.state_dir, host.name) {
  m_recap.host = host.name;
}

HostRecap HostRun::run(const TransportFactory& connect, const FactsSource& facts_source) {
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

HostRecap HostRun::finish() {
  m_recap.seconds = since(m_t0);
  m_report.host_finished(m_recap);
  return m_recap;
}

HostRecap HostRun::unreachable(const std::string& why) {
  m_recap.unreachable = true;
  m_recap.error = why;
  return finish();
}

HostRecap HostRun::failed(const std::string& why) {
  m_recap.error = why;
  ++m_recap.failed;
  return finish();
}

Result<GatheredFacts> HostRun::gather(Transport& transport, Privilege privilege) {
  auto out = transport.probe({m_facts_source->probe}, privilege);
  if (!out) return std::unexpected(out.error());
  auto facts = m_facts_source->parse(out->front());
  if (!facts) return facts;
  m_platform = facts->platform;
  m_facts_dump = YAML::Dump(facts->facts);
  return facts;
}

void HostRun::emit(const PlannedState& s, StateStatus status, std::string summary, double seconds,
                   std::vector<std::string> after) {
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
    case StateStatus::ok:
      ++m_recap.ok;
      break;
    case StateStatus::changed:
    case StateStatus::will_change:
      ++m_recap.changed;
      break;
    case StateStatus::unknown:
      ++m_recap.unknown;
      break;
    case StateStatus::failed:
      ++m_recap.failed;
      break;
    case StateStatus::skipped:
      ++m_recap.skipped;
      break;
  }
}

std::size_t HostRun::index_of(const std::string& id) const {
  for (std::size_t i = 0; i < m_states.states.size(); ++i)
    if (m_states.states[i].id == id) return i;
  return m_states.states.size();
}

// The first requisite of state i that failed or was skipped, or "".
std::string HostRun::bad_requisite(std::size_t i) const {
  for (const auto& r : m_states.states[i].requires_ids) {
    auto j = index_of(r);
    if (j < i && (m_outcomes[j] == Outcome::failed || m_outcomes[j] == Outcome::skipped)) return r;
  }
  return "";
}

// Whether applying `changer` may alter a fact `reader` reads.
bool HostRun::alters_facts_of(const PlannedState& changer, const PlannedState& reader) {
  if (reader.facts_read.empty()) return false;
  for (const auto& f : changer.resource->facts_it_may_change())
    if (f == "*" || reader.facts_read.contains("*") || reader.facts_read.contains(f)) return true;
  return false;
}

// Earlier states that are changing and may change the facts state i reads.
std::vector<std::string> HostRun::fact_changers_before(std::size_t i) const {
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

bool HostRun::later_reads_facts_of(std::size_t i) const {
  for (std::size_t j = i + 1; j < m_states.states.size(); ++j)
    if (alters_facts_of(m_states.states[i], m_states.states[j])) return true;
  return false;
}

void HostRun::lost(const std::string& why) {
  m_recap.unreachable = true;
  m_recap.error = why;
}

}  // namespace forja
