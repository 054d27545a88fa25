#pragma once

#include <span>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace forja {

// A place in an input file, for error messages ("file:line:column").
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  [[nodiscard]] std::string str() const;
};

// "FILE:LINE:COL: what", then the source line and a caret under the column when `lines`
// (the file's text split into lines) holds that line. The values of secret keys on that line
// are shown as "********" (see util/secret_keys.hpp).
[[nodiscard]] std::string located_message(const SourceLocation& at, std::string_view what,
                                          std::span<const std::string> lines = {});

// The same message as a bad_input error (exit code 2).
[[nodiscard]] std::unexpected<Error> located_error(const SourceLocation& at, std::string_view what,
                                                   std::span<const std::string> lines = {});

}  // namespace forja
