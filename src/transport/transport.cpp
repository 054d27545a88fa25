#include "transport/transport.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "report/reporter.hpp"
#include "transport/probe_batch.hpp"
#include "transport/remote_exec.hpp"

namespace forja {

Result<ExecResult> Transport::exec(const Command& command) {
  auto invocation = prepare_invocation(command, m_connection, random_nonce());
  if (!invocation) return std::unexpected(invocation.error());
  if (auto c = connect(); !c) return std::unexpected(c.error());
  ++m_round_trips;
  auto t0 = std::chrono::steady_clock::now();
  auto channel = open(invocation->argv);
  if (!channel) return std::unexpected(channel.error());
  auto result = drive_invocation(**channel, *invocation);
  static const bool trace = std::getenv("FORJA_TRACE") != nullptr;
  if (trace) {
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::string what = command.argv.size() > 3 && command.argv[0] == "sh" ? command.argv[3]
                       : command.argv.empty() ? "" : command.argv[0];
    reporter().error_line(fmt::format("trace: {} round trip {}: {} {:.1f} ms", m_connection.address,
                                      m_round_trips, what, ms));
  }
  return result;
}

Result<std::vector<ProbeOutput>> Transport::probe(const std::vector<Probe>& probes,
                                                  Privilege privilege,
                                                  std::chrono::seconds timeout) {
  if (probes.empty()) return std::vector<ProbeOutput>{};
  auto batch = run_then_probe({}, probes, privilege, timeout);
  if (!batch) return std::unexpected(batch.error());
  return std::move(*batch->probes);
}

Result<BatchResult> Transport::run_then_probe(const std::vector<Command>& commands,
                                              const std::vector<Probe>& probes,
                                              Privilege privilege,
                                              std::chrono::seconds probe_timeout) {
  auto timeout = probes.empty() ? std::chrono::seconds(0) : probe_timeout;
  for (const auto& c : commands) {
    timeout += c.timeout.count() > 0 ? c.timeout : k_default_command_timeout;
  }
  auto marker = "@@forja-" + random_nonce().substr(0, 16);
  Command batch{{"sh", "-c", batch_script(commands, probes, marker),
                 commands.empty() ? "forja-probes" : "forja-batch"},
                batch_input(commands), privilege, timeout};
  auto result = exec(batch);
  if (!result) return std::unexpected(result.error());
  return split_batch(*result, commands.size(), probes.size(), marker);
}

Result<void> Transport::upload(std::string_view content, const UploadSpec& spec) {
  auto result = exec(write_file_command(spec, std::string(content)));
  if (!result) return std::unexpected(result.error());
  if (result->exit_status != 0) {
    return fail("writing " + spec.path + " failed (exit " + std::to_string(result->exit_status) +
                "): " + result->err);
  }
  return {};
}

}  // namespace forja
