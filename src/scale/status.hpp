#pragma once

#include <string>
#include <vector>

#include "discovery/discovery.hpp"
#include "scale/record.hpp"
#include "scale/scaled.hpp"

namespace forja {

// One replica as `forja status` shows it: where the record puts it (or found only in
// discovery: `in_record` false) and what discovery says of it.
struct ReplicaStatus {
  Replica replica;
  bool in_record = true;
  bool registered = false;
  Health health = Health::critical;
  std::string cause;
};

// A scaled service's desired, running (registered in discovery) and healthy (passing) counts.
struct ServiceStatus {
  ScaledService service;
  std::string store;    // "consul at http://10.77.0.11:8500"
  bool stored = false;  // false: no record, the default shape
  int desired = 0;
  std::vector<ReplicaStatus> replicas;
  std::string
      discovery_host;  // the inventory host at the discovery endpoint ("lab1"), or its address
  [[nodiscard]] int running() const;
  [[nodiscard]] int healthy() const;
};

// The record and discovery's instances side by side (pure): the record's replicas in host
// order, then instances discovery lists that the record does not hold. Instances are named
// HOST-PORT.
[[nodiscard]] ServiceStatus merge_status(const ScaledService& service, const ScaleRecord& record,
                                         const std::vector<ServiceInstance>& instances);

// The human table.
[[nodiscard]] std::vector<std::string> status_lines(const ServiceStatus& status);

// A Graphviz digraph of the live topology: the balancer -> each replica (grouped by host, with
// its port and health) -> the discovery service it is registered in.
[[nodiscard]] std::string status_dot(const std::vector<ServiceStatus>& statuses);

}  // namespace forja
