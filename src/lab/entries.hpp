#pragma once

#include <string>
#include <string_view>

#include "util/error.hpp"
#include "util/text.hpp"

namespace forja::lab {

// Each entry of one of the lab's record files (lab.state, lab.kinds, the repository manifest):
// every line that is neither blank nor a '#' comment, trimmed, given to `f` with
// "ORIGIN:LINE: " to start its errors. Stops at the first error `f` returns.
template <class F>
Result<void> for_each_entry(std::string_view text, std::string_view origin, F&& f) {
  int line_no = 0;
  for (const auto& raw : split_lines(text)) {
    ++line_no;
    auto line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (Result<void> r = f(line, std::string(origin) + ":" + std::to_string(line_no) + ": "); !r)
      return r;
  }
  return {};
}

}  // namespace forja::lab
