#pragma once

#include <string>
#include <string_view>

namespace forja {

// A JSON string literal (with quotes) for arbitrary UTF-8 text.
[[nodiscard]] std::string json_string(std::string_view text);

}  // namespace forja
