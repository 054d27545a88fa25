#include "discovery/etcd.hpp"

#include <algorithm>

#include "discovery/json_api.hpp"
#include "util/http.hpp"
#include "util/json.hpp"

namespace forja {

namespace {

class Etcd final : public Discovery {
 public:
  explicit Etcd(std::string endpoint) : m_endpoint(std::move(endpoint)) {}
  std::string backend() const override { return "etcd"; }

  Result<std::vector<ServiceInstance>> instances(const std::string& service) override {
    std::string prefix = etcd_instance_key(service, "");
    std::string end = prefix;
    end.back() = static_cast<char>(end.back() + 1);
    auto r = call_json("POST", m_endpoint + "/v3/kv/range",
                       "{\"key\":" + json_string(base64_encode(prefix)) +
                           ",\"range_end\":" + json_string(base64_encode(end)) + "}");
    if (!r) return std::unexpected(r.error());
    std::vector<ServiceInstance> out;
    for (const auto& kv : (*r)["kvs"]) {
      auto v = parse_json(base64_decode(json_scalar(kv, "value")), "etcd value");
      if (!v) continue;
      ServiceInstance i;
      i.instance = json_scalar(*v, "instance");
      i.address = json_scalar(*v, "address");
      i.port = std::atoi(json_scalar(*v, "port").c_str());
      i.health_url = json_scalar(*v, "health");
      out.push_back(i);
    }
    std::ranges::sort(out, {}, &ServiceInstance::instance);
    return out;
  }

 private:
  std::string m_endpoint;
};

}  // namespace

std::unique_ptr<Discovery> make_etcd(std::string endpoint) {
  return std::make_unique<Etcd>(std::move(endpoint));
}

std::string etcd_instance_key(const std::string& service, const std::string& instance) {
  return "/forja/services/" + service + "/" + instance;
}

}  // namespace forja
