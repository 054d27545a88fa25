#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/model.hpp"
#include "transport/channel.hpp"
#include "transport/command.hpp"
#include "transport/probe_batch.hpp"
#include "util/error.hpp"

namespace forja {

// The timeout of a probe batch that sets none.
inline constexpr std::chrono::seconds k_default_probe_timeout{120};

// A connection to one host. Owned and used by one thread at a time.
class Transport {
 public:
  explicit Transport(Connection connection) : m_connection(std::move(connection)) {}
  virtual ~Transport() = default;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Open the connection (verifying the host's identity). Idempotent.
  [[nodiscard]] virtual Result<void> connect() = 0;

  // Run a command, through sudo when it asks for Privilege::become and the host is set to
  // become (transport/remote_exec.hpp: values travel on stdin, a sudo password only after
  // sudo's prompt). Fails when the transport fails, sudo refuses, or the command times out;
  // a non-zero exit is a normal result.
  [[nodiscard]] virtual Result<ExecResult> exec(const Command& command);

  // Run read-only probes in one round trip, in order, each with stdin closed.
  [[nodiscard]] Result<std::vector<ProbeOutput>> probe(
      const std::vector<Probe>& probes, Privilege privilege,
      std::chrono::seconds timeout = k_default_probe_timeout);

  // Run commands (all of one privilege) in order, stopping at the first that fails, then, if
  // all succeeded, the probes: one round trip. The timeout covers the whole batch: the
  // commands' own timeouts added up, plus `probe_timeout`.
  [[nodiscard]] virtual Result<BatchResult> run_then_probe(
      const std::vector<Command>& commands, const std::vector<Probe>& probes, Privilege privilege,
      std::chrono::seconds probe_timeout = k_default_probe_timeout);

  // Write content to spec.path atomically (write_file_command).
  [[nodiscard]] Result<void> upload(std::string_view content, const UploadSpec& spec);

  [[nodiscard]] const Connection& connection() const { return m_connection; }
  // Commands sent so far (a probe batch counts once).
  [[nodiscard]] std::size_t round_trips() const { return m_round_trips; }

 protected:
  // Start argv on the host (quoted here for the remote shell when there is one).
  [[nodiscard]] virtual Result<std::unique_ptr<Channel>> open(const std::vector<std::string>& argv) = 0;

  Connection m_connection;
  std::size_t m_round_trips = 0;
};

}  // namespace forja
