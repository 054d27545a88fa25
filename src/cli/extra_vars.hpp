#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "util/error.hpp"

namespace forja {

// The variables given with -e, merged in order (a later one wins): "key=value" sets one string,
// "@FILE" reads a YAML map from a file (any path form: bare, relative, absolute, a symlink).
// Bad input with the argument, or the file's line and column, when one cannot be read.
[[nodiscard]] Result<YAML::Node> parse_extra_vars(const std::vector<std::string>& arguments);

}  // namespace forja
