#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "transport/transport.hpp"

namespace forja {

// A scripted host for unit tests: probes and commands are answered by callbacks, and every
// call is recorded, so the engine's apply, handler and package-transaction logic can be
// tested without a host. Never used by forja itself.
class FakeTransport final : public Transport {
 public:
  using ProbeAnswer = std::function<Result<ProbeOutput>(const Probe&)>;
  using CommandAnswer = std::function<Result<ExecResult>(const Command&)>;

  FakeTransport(Connection connection, ProbeAnswer probe_answer, CommandAnswer command_answer);

  [[nodiscard]] Result<void> connect() override;
  [[nodiscard]] Result<ExecResult> exec(const Command& command) override;
  [[nodiscard]] Result<BatchResult> run_then_probe(const std::vector<Command>& commands,
                                                   const std::vector<Probe>& probes,
                                                   Privilege privilege,
                                                   std::chrono::seconds probe_timeout) override;

  // Make connect() fail with this error (an unreachable host).
  void refuse_connections(Error error) { m_refusal = std::move(error); }
  // Also count round trips in *counter (which outlives this transport).
  void count_round_trips_in(std::size_t* counter) { m_counter = counter; }

  [[nodiscard]] const std::vector<Command>& commands() const { return m_commands; }
  [[nodiscard]] const std::vector<std::vector<Probe>>& probe_batches() const { return m_batches; }

 protected:
  [[nodiscard]] Result<std::unique_ptr<Channel>> open(const std::vector<std::string>& argv) override;

 private:
  ProbeAnswer m_probe_answer;
  CommandAnswer m_command_answer;
  std::optional<Error> m_refusal;
  std::size_t* m_counter = nullptr;
  std::vector<Command> m_commands;
  std::vector<std::vector<Probe>> m_batches;
};

}  // namespace forja
