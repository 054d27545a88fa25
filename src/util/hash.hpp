#pragma once

#include <string>
#include <string_view>

namespace forja {

// Lower-case hex SHA-256 of data.
[[nodiscard]] std::string sha256_hex(std::string_view data);

}  // namespace forja
