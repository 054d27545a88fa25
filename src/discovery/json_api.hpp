#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "util/error.hpp"

namespace forja {

// A discovery API's JSON answer, read by yaml-cpp (JSON is YAML's flow style); "" reads as {}.
[[nodiscard]] Result<YAML::Node> parse_json(const std::string& text, const std::string& what);

// An HTTP call whose answer must be 200 with JSON: the error names the URL and the status.
[[nodiscard]] Result<YAML::Node> call_json(const std::string& method, const std::string& url,
                                           const std::string& body);

// A scalar member of a map, "" when absent or not a scalar.
[[nodiscard]] std::string json_scalar(const YAML::Node& node, const std::string& key);

}  // namespace forja
