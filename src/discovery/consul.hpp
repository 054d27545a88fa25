#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "discovery/discovery.hpp"

namespace forja {

// Consul's HTTP API at `endpoint` (an agent, e.g. the server's http://10.77.0.11:8500):
// instances from the health API, each with the worst of its node's and its own checks; the
// passing ones are what Consul's DNS interface answers.
[[nodiscard]] std::unique_ptr<Discovery> make_consul(std::string endpoint);

// The answer of GET /v1/health/service/NAME: every instance, its health and, when not
// passing, the cause taken from the failing check's output. Sorted by instance.
[[nodiscard]] Result<std::vector<ServiceInstance>> parse_consul_health(const std::string& json);

// Why a check fails, in a few words, from Consul's check output:
// 'Get "http://10.77.0.13:5000/health": dial tcp 10.77.0.13:5000: connect: connection refused'
// -> "connection refused"; 'HTTP GET http://...: 500 INTERNAL SERVER ERROR Output: ...' ->
// "HTTP 500 INTERNAL SERVER ERROR"; a client timeout -> "timed out"; "" -> "no output yet".
[[nodiscard]] std::string check_cause(std::string_view output);

// One node of the cluster, as `consul members` lists it.
struct ClusterMember {
  std::string name;     // node name ("lab3")
  std::string address;  // gossip address
  std::string status;   // alive, leaving, left, failed (or "status N")
  std::string role;     // server or client
};

// The answer of GET /v1/agent/members (what `consul members` prints), sorted by name.
[[nodiscard]] Result<std::vector<ClusterMember>> parse_consul_members(const std::string& json);
// The members as the agent at `endpoint` sees them.
[[nodiscard]] Result<std::vector<ClusterMember>> consul_members(const std::string& endpoint);

}  // namespace forja
