#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace forja {

// One started process on a host (an SSH exec channel, or a local child): its stdin, stdout,
// stderr and exit status. Owned and used by one thread.
class Channel {
 public:
  virtual ~Channel() = default;
  [[nodiscard]] virtual Result<void> write(std::string_view data) = 0;
  // End of stdin.
  [[nodiscard]] virtual Result<void> close_input() = 0;
  // Wait up to `wait` for output and append what arrived. True once both streams have ended.
  [[nodiscard]] virtual Result<bool> read(std::string& out, std::string& err,
                                          std::chrono::milliseconds wait) = 0;
  // The exit status once read() returned true; -1 when the process died of a signal.
  [[nodiscard]] virtual int exit_status() = 0;
  // Give up on the process (a timeout): close what can be closed, wait for nothing.
  virtual void abandon() = 0;
};

}  // namespace forja
