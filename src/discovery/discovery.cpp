#include "discovery/discovery.hpp"

#include "discovery/consul.hpp"
#include "discovery/etcd.hpp"

namespace forja {

std::string health_name(Health health) {
  switch (health) {
    case Health::passing:
      return "passing";
    case Health::warning:
      return "warning";
    case Health::critical:
      break;
  }
  return "critical";
}

Result<std::unique_ptr<Discovery>> make_discovery(const std::string& backend,
                                                  const std::string& endpoint) {
  std::string ep = endpoint;
  while (!ep.empty() && ep.back() == '/') ep.pop_back();
  if (backend == "etcd") return make_etcd(ep);
  if (backend == "consul") return make_consul(ep);
  return bad_input("unknown discovery backend '" + backend + "' (etcd or consul)");
}

}  // namespace forja
