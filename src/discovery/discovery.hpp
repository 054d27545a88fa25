#pragma once

#include <memory>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace forja {

// How the discovery service rates an instance: Consul's aggregated check status (the worst of
// the node's and the service's checks); an etcd instance is listed only while it is passing.
enum class Health { passing, warning, critical };

[[nodiscard]] std::string health_name(Health health);

// One registered replica of a service.
struct ServiceInstance {
  std::string instance;  // "lab2-5000"
  std::string address;
  int port = 0;
  std::string health_url;
  Health health = Health::passing;
  std::string cause;  // when not passing: why, short ("connection refused", "HTTP 500 ...")
};

// The discovery service, whatever the backend: the instances registered for a service, with
// their health. Consul (agents registering service definitions with HTTP checks) and etcd
// (instances live under a lease that a health-checking sidecar keeps alive) both implement it.
class Discovery {
 public:
  virtual ~Discovery() = default;
  [[nodiscard]] virtual std::string backend() const = 0;
  // Every registered instance, passing or not, sorted by instance; the passing ones are what
  // a balancer fed by discovery sends traffic to.
  [[nodiscard]] virtual Result<std::vector<ServiceInstance>> instances(
      const std::string& service) = 0;
};

// "etcd" or "consul" at an HTTP endpoint (http://10.77.0.11:2379, http://10.77.0.11:8500).
[[nodiscard]] Result<std::unique_ptr<Discovery>> make_discovery(const std::string& backend,
                                                                const std::string& endpoint);

}  // namespace forja
