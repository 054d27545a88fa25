#include "discovery/kv_store.hpp"

#include <chrono>

#include "discovery/json_api.hpp"
#include "util/http.hpp"
#include "util/json.hpp"

namespace forja {

namespace {

constexpr auto k_timeout = std::chrono::seconds(3);

Error http_error(const std::string& what, const HttpResponse& r) {
  return {what + ": HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200),
          ExitCode::failed};
}

// Consul's KV HTTP API: /v1/kv/KEY, check-and-set with ?cas=INDEX (0: only if absent).
class ConsulKv final : public KvStore {
 public:
  explicit ConsulKv(std::string endpoint) : m_endpoint(std::move(endpoint)) {}
  std::string where() const override { return "consul at " + m_endpoint; }

  Result<std::optional<KvValue>> get(const std::string& key) override {
    auto url = m_endpoint + "/v1/kv/" + key;
    auto r = http_request("GET", url, "", k_timeout);
    if (!r) return std::unexpected(r.error());
    if (r->status == 404) return std::optional<KvValue>{};
    if (r->status != 200) return std::unexpected(http_error("GET " + url, *r));
    auto doc = parse_json(r->body, url);
    if (!doc) return std::unexpected(doc.error());
    if (!doc->IsSequence() || doc->size() != 1) return fail(url + ": expected one entry");
    return KvValue{base64_decode(json_scalar((*doc)[0], "Value")),
                   json_scalar((*doc)[0], "ModifyIndex")};
  }

  Result<bool> put_if(const std::string& key, const std::string& value,
                      const std::string& version) override {
    auto url = m_endpoint + "/v1/kv/" + key + "?cas=" + (version.empty() ? "0" : version);
    auto r = http_request("PUT", url, value, k_timeout);
    if (!r) return std::unexpected(r.error());
    if (r->status != 200) return std::unexpected(http_error("PUT " + url, *r));
    return r->body.find("true") != std::string::npos;
  }

  Result<void> remove(const std::string& key) override {
    auto url = m_endpoint + "/v1/kv/" + key;
    auto r = http_request("DELETE", url, "", k_timeout);
    if (!r) return std::unexpected(r.error());
    if (r->status != 200) return std::unexpected(http_error("DELETE " + url, *r));
    return {};
  }

 private:
  std::string m_endpoint;
};

// etcd's v3 JSON gateway: range, and a transaction comparing the key's mod_revision (its
// create_revision with 0 when it must be absent).
class EtcdKv final : public KvStore {
 public:
  explicit EtcdKv(std::string endpoint) : m_endpoint(std::move(endpoint)) {}
  std::string where() const override { return "etcd at " + m_endpoint; }

  Result<std::optional<KvValue>> get(const std::string& key) override {
    auto r = call_json("POST", m_endpoint + "/v3/kv/range",
                       "{\"key\":" + json_string(base64_encode("/" + key)) + "}");
    if (!r) return std::unexpected(r.error());
    const auto kvs = (*r)["kvs"];
    if (!kvs || !kvs.IsSequence() || kvs.size() == 0) return std::optional<KvValue>{};
    return KvValue{base64_decode(json_scalar(kvs[0], "value")),
                   json_scalar(kvs[0], "mod_revision")};
  }

  Result<bool> put_if(const std::string& key, const std::string& value,
                      const std::string& version) override {
    auto k = json_string(base64_encode("/" + key));
    std::string compare =
        version.empty()
            ? "{\"key\":" + k +
                  ",\"target\":\"CREATE\",\"result\":\"EQUAL\",\"create_revision\":\"0\"}"
            : "{\"key\":" + k + ",\"target\":\"MOD\",\"result\":\"EQUAL\",\"mod_revision\":" +
                  json_string(version) + "}";
    auto r =
        call_json("POST", m_endpoint + "/v3/kv/txn",
                  "{\"compare\":[" + compare + "],\"success\":[{\"request_put\":{\"key\":" + k +
                      ",\"value\":" + json_string(base64_encode(value)) + "}}]}");
    if (!r) return std::unexpected(r.error());
    return json_scalar(*r, "succeeded") == "true";
  }

  Result<void> remove(const std::string& key) override {
    auto r = call_json("POST", m_endpoint + "/v3/kv/deleterange",
                       "{\"key\":" + json_string(base64_encode("/" + key)) + "}");
    if (!r) return std::unexpected(r.error());
    return {};
  }

 private:
  std::string m_endpoint;
};

}  // namespace

Result<std::unique_ptr<KvStore>> make_kv_store(const std::string& backend,
                                               const std::string& endpoint) {
  std::string ep = endpoint;
  while (!ep.empty() && ep.back() == '/') ep.pop_back();
  if (backend == "consul") return std::make_unique<ConsulKv>(ep);
  if (backend == "etcd") return std::make_unique<EtcdKv>(ep);
  return bad_input("unknown discovery backend '" + backend + "' (etcd or consul)");
}

}  // namespace forja
