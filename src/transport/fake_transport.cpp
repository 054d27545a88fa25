#include "transport/fake_transport.hpp"

namespace forja {

FakeTransport::FakeTransport(Connection connection, ProbeAnswer probe_answer,
                             CommandAnswer command_answer)
    : Transport(std::move(connection)), m_probe_answer(std::move(probe_answer)),
      m_command_answer(std::move(command_answer)) {}

Result<void> FakeTransport::connect() {
  if (m_refusal) return std::unexpected(*m_refusal);
  return {};
}

Result<ExecResult> FakeTransport::exec(const Command& command) {
  if (auto c = connect(); !c) return std::unexpected(c.error());
  ++m_round_trips;
  if (m_counter) ++*m_counter;
  m_commands.push_back(command);
  return m_command_answer(command);
}

Result<BatchResult> FakeTransport::run_then_probe(const std::vector<Command>& commands,
                                                  const std::vector<Probe>& probes, Privilege,
                                                  std::chrono::seconds) {
  if (auto c = connect(); !c) return std::unexpected(c.error());
  ++m_round_trips;
  if (m_counter) ++*m_counter;
  BatchResult out;
  for (const auto& c : commands) {
    m_commands.push_back(c);
    auto r = m_command_answer(c);
    if (!r) return std::unexpected(r.error());
    r->out += r->err;
    r->err.clear();
    out.commands.push_back(std::move(*r));
    if (out.commands.back().exit_status != 0) return out;
  }
  if (!probes.empty()) m_batches.push_back(probes);
  std::vector<ProbeOutput> outputs;
  for (const auto& p : probes) {
    auto o = m_probe_answer(p);
    if (!o) return std::unexpected(o.error());
    outputs.push_back(std::move(*o));
  }
  out.probes = std::move(outputs);
  return out;
}

Result<std::unique_ptr<Channel>> FakeTransport::open(const std::vector<std::string>&) {
  return fail("FakeTransport answers exec() and probe() itself");
}

}  // namespace forja
