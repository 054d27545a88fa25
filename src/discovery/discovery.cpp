#include "discovery/discovery.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "util/http.hpp"
#include "util/json.hpp"

namespace forja {

namespace {

constexpr auto k_timeout = std::chrono::seconds(3);

// JSON is YAML's flow style: yaml-cpp reads discovery APIs' answers.
Result<YAML::Node> call_json(const std::string& method, const std::string& url, const std::string& body) {
  auto r = http_request(method, url, body, k_timeout);
  if (!r) return std::unexpected(r.error());
  if (r->status != 200) return fail(method + " " + url + ": HTTP " + std::to_string(r->status) + ": " + r->body.substr(0, 200));
  try {
    return YAML::Load(r->body.empty() ? "{}" : r->body);
  } catch (const YAML::Exception& e) {
    return fail(url + ": unreadable answer: " + e.what());
  }
}

std::string scalar(const YAML::Node& n, const std::string& key) {
  auto v = n[key];
  return v && v.IsScalar() ? v.Scalar() : std::string();
}

class Etcd final : public Discovery {
 public:
  explicit Etcd(std::string endpoint) : m_endpoint(std::move(endpoint)) {}
  std::string backend() const override { return "etcd"; }

  Result<std::vector<ServiceInstance>> healthy(const std::string& service) override {
    std::string prefix = "/forja/services/" + service + "/";
    std::string end = prefix;
    end.back() = static_cast<char>(end.back() + 1);
    auto r = call_json("POST", m_endpoint + "/v3/kv/range",
                       "{\"key\":" + json_string(base64_encode(prefix)) +
                           ",\"range_end\":" + json_string(base64_encode(end)) + "}");
    if (!r) return std::unexpected(r.error());
    std::vector<ServiceInstance> out;
    for (const auto& kv : (*r)["kvs"]) {
      YAML::Node v;
      try {
        v = YAML::Load(base64_decode(scalar(kv, "value")));
      } catch (const YAML::Exception&) {
        continue;
      }
      ServiceInstance i;
      i.instance = scalar(v, "instance");
      i.address = scalar(v, "address");
      i.port = std::atoi(scalar(v, "port").c_str());
      i.health_url = scalar(v, "health");
      out.push_back(i);
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.instance < b.instance; });
    return out;
  }

  Result<void> register_instance(const std::string& service, const ServiceInstance& i,
                                 int ttl) override {
    auto lease = call_json("POST", m_endpoint + "/v3/lease/grant", "{\"TTL\":" + std::to_string(ttl) + "}");
    if (!lease) return std::unexpected(lease.error());
    std::string value = "{\"instance\":" + json_string(i.instance) + ",\"address\":" + json_string(i.address) +
                        ",\"port\":" + std::to_string(i.port) + ",\"health\":" + json_string(i.health_url) + "}";
    auto put = call_json("POST", m_endpoint + "/v3/kv/put",
                         "{\"key\":" + json_string(base64_encode(etcd_instance_key(service, i.instance))) +
                             ",\"value\":" + json_string(base64_encode(value)) +
                             ",\"lease\":" + json_string(scalar(*lease, "ID")) + "}");
    if (!put) return std::unexpected(put.error());
    return {};
  }

  Result<void> deregister(const std::string& service, const std::string& instance) override {
    auto r = call_json("POST", m_endpoint + "/v3/kv/deleterange",
                       "{\"key\":" + json_string(base64_encode(etcd_instance_key(service, instance))) + "}");
    if (!r) return std::unexpected(r.error());
    return {};
  }

 private:
  std::string m_endpoint;
};

class Consul final : public Discovery {
 public:
  explicit Consul(std::string endpoint) : m_endpoint(std::move(endpoint)) {}
  std::string backend() const override { return "consul"; }

  Result<std::vector<ServiceInstance>> healthy(const std::string& service) override {
    auto r = call_json("GET", m_endpoint + "/v1/health/service/" + service + "?passing=true", "");
    if (!r) return std::unexpected(r.error());
    std::vector<ServiceInstance> out;
    for (const auto& entry : *r) {
      const auto svc = entry["Service"];
      ServiceInstance i;
      i.instance = scalar(svc, "ID");
      i.address = scalar(svc, "Address").empty() ? scalar(entry["Node"], "Address") : scalar(svc, "Address");
      i.port = std::atoi(scalar(svc, "Port").c_str());
      i.health_url = "http://" + i.address + ":" + std::to_string(i.port) + "/health";
      out.push_back(i);
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.instance < b.instance; });
    return out;
  }

  Result<void> register_instance(const std::string& service, const ServiceInstance& i,
                                 int ttl) override {
    std::string body = "{\"ID\":" + json_string(i.instance) + ",\"Name\":" + json_string(service) +
                       ",\"Address\":" + json_string(i.address) + ",\"Port\":" + std::to_string(i.port) +
                       ",\"Check\":{\"HTTP\":" + json_string(i.health_url) + ",\"Interval\":\"" +
                       std::to_string(std::max(1, ttl / 3)) + "s\",\"DeregisterCriticalServiceAfter\":\"" +
                       std::to_string(std::max(60, ttl)) + "s\"}}";
    auto r = http_request("PUT", m_endpoint + "/v1/agent/service/register", body, k_timeout);
    if (!r) return std::unexpected(r.error());
    if (r->status != 200) return fail("consul register: HTTP " + std::to_string(r->status) + ": " + r->body);
    return {};
  }

  Result<void> deregister(const std::string&, const std::string& instance) override {
    auto r = http_request("PUT", m_endpoint + "/v1/agent/service/deregister/" + instance, "", k_timeout);
    if (!r) return std::unexpected(r.error());
    if (r->status != 200) return fail("consul deregister: HTTP " + std::to_string(r->status));
    return {};
  }

 private:
  std::string m_endpoint;
};

}  // namespace

std::string etcd_instance_key(const std::string& service, const std::string& instance) {
  return "/forja/services/" + service + "/" + instance;
}

Result<std::unique_ptr<Discovery>> make_discovery(const std::string& backend,
                                                  const std::string& endpoint) {
  std::string ep = endpoint;
  while (!ep.empty() && ep.back() == '/') ep.pop_back();
  if (backend == "etcd") return std::make_unique<Etcd>(ep);
  if (backend == "consul") return std::make_unique<Consul>(ep);
  return bad_input("unknown discovery backend '" + backend + "' (etcd or consul)");
}

}  // namespace forja
