#pragma once

#include <libssh/libssh.h>

#include <string>
#include <vector>

#include "transport/transport.hpp"

namespace forja {

enum class HostKeyPolicy {
  strict,      // unknown and changed keys are refused
  accept_new,  // unknown keys are recorded in known_hosts; changed keys are still refused
};

// A libssh session to one host, opened once and used for every command of the run.
// Not thread-safe: one worker thread owns it.
class SshTransport final : public Transport {
 public:
  SshTransport(std::string host_name, Connection connection, HostKeyPolicy policy);
  ~SshTransport() override;

  [[nodiscard]] Result<void> connect() override;

 protected:
  [[nodiscard]] Result<std::unique_ptr<Channel>> open(const std::vector<std::string>& argv) override;

 private:
  [[nodiscard]] Result<void> verify_host_key();
  [[nodiscard]] Result<void> authenticate();
  [[nodiscard]] std::string where() const;
  void disconnect();

  std::string m_name;
  HostKeyPolicy m_policy;
  ssh_session m_session = nullptr;
  bool m_connected = false;
};

}  // namespace forja
