#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "discovery/kv_store.hpp"
#include "inventory/model.hpp"
#include "playbook/model.hpp"
#include "scale/record.hpp"

namespace forja {

// A service the playbook lets `forja scale` change, declared in its vars:
//   scaled:
//     web: {group: web, port: "5000", balancer: lb, balancer_port: "8080"}
// with its store (the group's discovery_backend and discovery_url) and hosts resolved.
struct ScaledService {
  std::string service;
  std::string group;
  int first_port = 0;
  std::vector<std::string> hosts;  // the group's hosts, inventory order
  std::string balancer_url;        // "http://10.77.0.14:8080/", "" without a balancer
  std::string balancer_host;       // its host ("lab4")
  std::string backend;             // "consul", "etcd", "" without a store
  std::string endpoint;
  [[nodiscard]] std::string key() const { return "forja/scale/" + service; }
};

// Every service under the playbook's `scaled:` var, checked against the inventory (bad input:
// an unknown group, a port that is not a number).
[[nodiscard]] Result<std::vector<ScaledService>> scaled_services(const Playbook& book,
                                                                 const Inventory& inventory);

// What the store holds for a service, read.
struct StoredScale {
  std::optional<KvValue> stored;  // nothing: no key (the default shape)
  ScaleRecord record;             // the stored record, or default_record
};
[[nodiscard]] Result<StoredScale> read_scale(KvStore& store, const ScaledService& svc);

// The hosts of the group whose SSH port does not answer (a short TCP connect each, in
// parallel), with the reason.
[[nodiscard]] std::map<std::string, std::string> down_hosts(const ScaledService& svc,
                                                            const Inventory& inventory);

// Give every host the variables its states loop over: SERVICE_replicas and SERVICE_retired
// (lists of port strings; empty off the group) and replica_ports ("5000/tcp 5001/tcp", every
// scaled service's ports on the host, for the firewall).
void inject_replicas(Inventory& inventory, const std::vector<ScaledService>& services,
                     const std::vector<ScaleRecord>& records);

}  // namespace forja
