#pragma once

#include <string>

#include "util/error.hpp"

namespace forja {

// `forja scale` SERVICE=N (set), SERVICE+N (add), SERVICE-N (remove).
struct ScaleRequest {
  enum class Op { set, add, remove };
  std::string service;
  Op op = Op::set;
  int count = 0;
  // The count wanted, from the current one; a located error when it falls below 0 or above
  // k_max_replicas.
  [[nodiscard]] Result<int> desired(int current) const;
};

inline constexpr int k_max_replicas = 100;

// Parse "web=4", "web+1", "web-1" (the last '=' or else the last '+'/'-' splits name and
// number, so "my-web-1" is my-web minus one). Errors name the argument and the column (exit 2).
[[nodiscard]] Result<ScaleRequest> parse_scale_request(const std::string& text);

}  // namespace forja
