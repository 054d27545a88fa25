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
  m_commands.push_back(command);
  return m_command_answer(command);
}

Result<std::vector<ProbeOutput>> FakeTransport::probe(const std::vector<Probe>& probes, Privilege,
                                                      std::chrono::seconds) {
  if (probes.empty()) return std::vector<ProbeOutput>{};
  if (auto c = connect(); !c) return std::unexpected(c.error());
  ++m_round_trips;
  m_batches.push_back(probes);
  std::vector<ProbeOutput> outputs;
  for (const auto& p : probes) {
    auto out = m_probe_answer(p);
    if (!out) return std::unexpected(out.error());
    outputs.push_back(std::move(*out));
  }
  return outputs;
}

Result<std::unique_ptr<Channel>> FakeTransport::open(const std::vector<std::string>&) {
  return fail("FakeTransport answers exec() and probe() itself");
}

}  // namespace forja
