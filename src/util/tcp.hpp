#pragma once

#include <chrono>
#include <string>

#include "util/error.hpp"

namespace forja {

// Whether a TCP connection to HOST:PORT opens within `timeout` (the error says why not).
[[nodiscard]] Result<void> tcp_connect(const std::string& host, int port,
                                       std::chrono::milliseconds timeout);

}  // namespace forja
