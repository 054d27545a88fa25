#include "discovery/consul.hpp"

#include <algorithm>
#include <chrono>

#include "discovery/json_api.hpp"
#include "util/http.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

constexpr auto k_timeout = std::chrono::seconds(3);
constexpr std::size_t k_max_cause = 120;

Health health_of(const std::string& status) {
  if (status == "passing") return Health::passing;
  if (status == "warning") return Health::warning;
  return Health::critical;  // critical, maintenance, or anything Consul adds
}

std::string first_line(std::string_view text) {
  auto line = trim(text.substr(0, text.find('\n')));
  if (line.size() > k_max_cause) line = line.substr(0, k_max_cause) + "...";
  return line;
}

std::string member_status(const std::string& code) {
  // serf's MemberStatus
  if (code == "1") return "alive";
  if (code == "2") return "leaving";
  if (code == "3") return "left";
  if (code == "4") return "failed";
  return "status " + code;
}

class Consul final : public Discovery {
 public:
  explicit Consul(std::string endpoint) : m_endpoint(std::move(endpoint)) {}
  std::string backend() const override { return "consul"; }

  Result<std::vector<ServiceInstance>> instances(const std::string& service) override {
    auto url = m_endpoint + "/v1/health/service/" + service;
    auto r = http_request("GET", url, "", k_timeout);
    if (!r) return std::unexpected(r.error());
    if (r->status != 200) {
      return fail("GET " + url + ": HTTP " + std::to_string(r->status) + ": " +
                  first_line(r->body));
    }
    return parse_consul_health(r->body);
  }

 private:
  std::string m_endpoint;
};

}  // namespace

std::unique_ptr<Discovery> make_consul(std::string endpoint) {
  return std::make_unique<Consul>(std::move(endpoint));
}

std::string check_cause(std::string_view output) {
  auto text = trim(output);
  if (text.empty()) return "no output yet";
  // Go's HTTP client gave up waiting (the check's timeout).
  if (text.find("Client.Timeout exceeded") != std::string::npos || text.ends_with("i/o timeout")) {
    return "timed out";
  }
  // Go's HTTP client: Get "URL": dial tcp ADDR: connect: connection refused
  if (text.starts_with("Get \"") || text.starts_with("Post \"")) {
    auto after_url = text.find("\": ");
    if (after_url != std::string::npos) {
      std::string_view rest = std::string_view(text).substr(after_url + 3);
      if (auto connect = rest.rfind("connect: "); connect != std::string_view::npos) {
        return first_line(rest.substr(connect + 9));
      }
      if (rest.starts_with("dial tcp ")) {
        if (auto colon = rest.rfind(": "); colon != std::string_view::npos) {
          return first_line(rest.substr(colon + 2));
        }
      }
      return first_line(rest);
    }
  }
  // Consul's HTTP check: HTTP GET URL: 500 INTERNAL SERVER ERROR Output: BODY
  if (text.starts_with("HTTP ")) {
    auto output_at = text.find(" Output: ");
    auto head = std::string_view(text).substr(0, output_at);
    if (auto colon = head.rfind(": "); colon != std::string_view::npos) {
      return "HTTP " + first_line(head.substr(colon + 2));
    }
  }
  return first_line(text);
}

Result<std::vector<ServiceInstance>> parse_consul_health(const std::string& json) {
  auto doc = parse_json(json, "consul health API");
  if (!doc) return std::unexpected(doc.error());
  if (!doc->IsSequence()) return fail("consul health API: expected a list of instances");
  std::vector<ServiceInstance> out;
  for (const auto& entry : *doc) {
    const auto svc = entry["Service"];
    const auto node = entry["Node"];
    ServiceInstance i;
    i.instance = json_scalar(svc, "ID");
    i.address = json_scalar(svc, "Address");
    if (i.address.empty()) i.address = json_scalar(node, "Address");
    i.port = std::atoi(json_scalar(svc, "Port").c_str());
    i.health_url = "http://" + i.address + ":" + std::to_string(i.port) + "/health";
    // The worst check decides (the first of equal severity); a node check names the node.
    for (const auto& check : entry["Checks"]) {
      auto health = health_of(json_scalar(check, "Status"));
      if (health == Health::passing || health < i.health) continue;
      if (health == i.health && !i.cause.empty()) continue;
      i.health = health;
      auto cause = check_cause(json_scalar(check, "Output"));
      i.cause =
          json_scalar(check, "ServiceID").empty()
              ? "node " + json_scalar(check, "Node") + " " + health_name(health) + ": " + cause
              : "health check " + health_name(health) + ": " + cause;
    }
    out.push_back(std::move(i));
  }
  std::ranges::sort(out, {}, &ServiceInstance::instance);
  return out;
}

Result<std::vector<ClusterMember>> parse_consul_members(const std::string& json) {
  auto doc = parse_json(json, "consul members API");
  if (!doc) return std::unexpected(doc.error());
  if (!doc->IsSequence()) return fail("consul members API: expected a list of members");
  std::vector<ClusterMember> out;
  for (const auto& m : *doc) {
    ClusterMember member;
    member.name = json_scalar(m, "Name");
    member.address = json_scalar(m, "Addr");
    member.status = member_status(json_scalar(m, "Status"));
    member.role = json_scalar(m["Tags"], "role") == "consul" ? "server" : "client";
    out.push_back(std::move(member));
  }
  std::ranges::sort(out, {}, &ClusterMember::name);
  return out;
}

Result<std::vector<ClusterMember>> consul_members(const std::string& endpoint) {
  std::string ep = endpoint;
  while (!ep.empty() && ep.back() == '/') ep.pop_back();
  auto url = ep + "/v1/agent/members";
  auto r = http_request("GET", url, "", k_timeout);
  if (!r) return std::unexpected(r.error());
  if (r->status != 200) {
    return fail("GET " + url + ": HTTP " + std::to_string(r->status) + ": " + first_line(r->body));
  }
  return parse_consul_members(r->body);
}

}  // namespace forja
