#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace forja {

// One registered replica of a service.
struct ServiceInstance {
  std::string instance;  // "lab2-5000"
  std::string address;
  int port = 0;
  std::string health_url;
};

// The discovery service, whatever the backend: register, deregister, list healthy instances.
// Consul (the classic setup, with HTTP checks) and etcd (instances live under a lease that a
// health-checking sidecar keeps alive) both implement it.
class Discovery {
 public:
  virtual ~Discovery() = default;
  [[nodiscard]] virtual std::string backend() const = 0;
  [[nodiscard]] virtual Result<std::vector<ServiceInstance>> healthy(const std::string& service) = 0;
  // ttl: seconds the registration lives without renewal (etcd lease / Consul check interval).
  [[nodiscard]] virtual Result<void> register_instance(const std::string& service,
                                                       const ServiceInstance& instance,
                                                       int ttl_seconds) = 0;
  [[nodiscard]] virtual Result<void> deregister(const std::string& service,
                                                const std::string& instance) = 0;
};

// "etcd" or "consul" at an HTTP endpoint (http://10.77.0.11:2379, http://10.0.0.5:8500).
[[nodiscard]] Result<std::unique_ptr<Discovery>> make_discovery(const std::string& backend,
                                                                const std::string& endpoint);

// The key an instance lives under in etcd: /forja/services/SERVICE/INSTANCE.
[[nodiscard]] std::string etcd_instance_key(const std::string& service, const std::string& instance);

}  // namespace forja
