#pragma once

#include <optional>
#include <string>

namespace forja {

// The whole content of a local file, or nullopt when it cannot be read.
[[nodiscard]] std::optional<std::string> read_whole_file(const std::string& path);

}  // namespace forja
