#pragma once

#include <optional>
#include <string_view>

#include "util/utf8.hpp"

namespace forja {

// Where YAML text first nests deeper than max_depth, by an upper estimate read from the text
// alone (block indentation, "- " and "key: " indicators, open '[' and '{'; quoted scalars,
// comments and | or > block scalars skipped), or std::nullopt. Runs before yaml-cpp parses,
// since its parser recurses once per level.
[[nodiscard]] std::optional<TextPosition> yaml_nesting_exceeds(std::string_view text,
                                                               int max_depth);

}  // namespace forja
