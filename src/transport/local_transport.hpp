#pragma once

#include "transport/transport.hpp"

namespace forja {

// Runs commands on this machine (hosts with address `local`, and tests), through the same
// bootstrap, sudo handshake and timeouts as SSH.
class LocalTransport final : public Transport {
 public:
  explicit LocalTransport(Connection connection) : Transport(std::move(connection)) {}
  [[nodiscard]] Result<void> connect() override { return {}; }

 protected:
  [[nodiscard]] Result<std::unique_ptr<Channel>> open(const std::vector<std::string>& argv) override;
};

}  // namespace forja
