#pragma once

#include <functional>
#include <string_view>

namespace forja::lab {

// Where the lab reports what it is doing (one line each); the CLI passes the reporter.
using Progress = std::function<void(std::string_view line)>;

}  // namespace forja::lab
