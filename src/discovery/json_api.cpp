#include "discovery/json_api.hpp"

#include <chrono>

#include "util/http.hpp"

namespace forja {

namespace {
constexpr auto k_timeout = std::chrono::seconds(3);
}  // namespace

Result<YAML::Node> parse_json(const std::string& text, const std::string& what) {
  try {
    return YAML::Load(text.empty() ? "{}" : text);
  } catch (const YAML::Exception& e) {
    return fail(what + ": unreadable answer: " + e.what());
  }
}

Result<YAML::Node> call_json(const std::string& method, const std::string& url,
                             const std::string& body) {
  auto r = http_request(method, url, body, k_timeout);
  if (!r) return std::unexpected(r.error());
  if (r->status != 200) {
    return fail(method + " " + url + ": HTTP " + std::to_string(r->status) + ": " +
                r->body.substr(0, 200));
  }
  return parse_json(r->body, url);
}

std::string json_scalar(const YAML::Node& node, const std::string& key) {
  if (!node || !node.IsMap()) return "";
  auto v = node[key];
  return v && v.IsScalar() ? v.Scalar() : std::string();
}

}  // namespace forja
