#pragma once

#include <string>
#include <string_view>

namespace forja {

// A unified diff (3 lines of context) between two texts, with the given labels;
// "" when they are equal.
[[nodiscard]] std::string unified_diff(std::string_view before, std::string_view after,
                                       std::string_view before_label,
                                       std::string_view after_label);

}  // namespace forja
