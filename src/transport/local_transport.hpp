#pragma once

#include "transport/transport.hpp"

namespace forja {

// Runs commands on this machine (for hosts with address localhost and for tests).
class LocalTransport final : public Transport {
 public:
  explicit LocalTransport(Connection connection) : Transport(std::move(connection)) {}
  [[nodiscard]] Result<void> connect() override { return {}; }
  [[nodiscard]] Result<ExecResult> exec_raw(const std::vector<std::string>& argv,
                                            std::string_view input) override;
};

}  // namespace forja
