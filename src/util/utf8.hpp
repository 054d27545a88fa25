#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace forja {

// The byte offset of the first byte that is not part of well-formed UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF are not), or std::nullopt when all of text is.
[[nodiscard]] std::optional<std::size_t> first_invalid_utf8(std::string_view text);

// 1-based line and column (in bytes) of a byte offset in text.
struct TextPosition {
  int line = 1;
  int column = 1;
};
[[nodiscard]] TextPosition position_of(std::string_view text, std::size_t offset);

}  // namespace forja
