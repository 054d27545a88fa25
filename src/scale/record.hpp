#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace forja {

// host -> the ports of its replicas, ascending.
using Assignment = std::map<std::string, std::vector<int>>;

// One replica: a host and the port its unit instance listens on (microservice@PORT).
struct Replica {
  std::string host;
  int port = 0;
  // The replica's instance name in discovery and in its answers: "lab2-5001".
  [[nodiscard]] std::string instance() const { return host + "-" + std::to_string(port); }
  friend bool operator==(const Replica&, const Replica&) = default;
};

// What the store keeps for one scaled service: the desired count, where each replica runs, and
// the replicas taken away from each host (made absent there by every later run: stopped,
// disabled, deregistered, port closed) until a replica is placed on that port again.
struct ScaleRecord {
  int desired = 0;
  Assignment replicas;
  Assignment retired;
  friend bool operator==(const ScaleRecord&, const ScaleRecord&) = default;
};

// The record when nothing is stored: one replica per host of the group, on the first port.
[[nodiscard]] ScaleRecord default_record(const std::vector<std::string>& hosts, int first_port);

// Replicas of an assignment as a list, hosts in `order` first (then any other, by name).
[[nodiscard]] std::vector<Replica> replica_list(const Assignment& a,
                                                const std::vector<std::string>& order = {});

[[nodiscard]] int replica_count(const Assignment& a);

// {"desired":4,"replicas":{"lab2":[5000,5001]},"retired":{"lab3":[5002]}} (keys sorted).
[[nodiscard]] std::string record_to_json(const ScaleRecord& record);
// The same back; `what` names the source in errors (the store's key).
[[nodiscard]] Result<ScaleRecord> record_from_json(const std::string& json,
                                                   const std::string& what);

}  // namespace forja
