#pragma once

#include <memory>
#include <optional>
#include <string>

#include "util/error.hpp"

namespace forja {

// A value of the discovery service's key-value store and its version (Consul's ModifyIndex,
// etcd's mod_revision): a write names the version it read, so two writers cannot both win.
struct KvValue {
  std::string value;
  std::string version;
};

// The key-value store the topology's discovery service already runs (Consul's KV, etcd).
class KvStore {
 public:
  virtual ~KvStore() = default;
  [[nodiscard]] virtual std::string where() const = 0;  // "consul at http://10.77.0.11:8500"
  // The value, or nothing when the key is absent.
  [[nodiscard]] virtual Result<std::optional<KvValue>> get(const std::string& key) = 0;
  // Write only if the key is still at `version` ("" = only if absent); false when another
  // writer came first.
  [[nodiscard]] virtual Result<bool> put_if(const std::string& key, const std::string& value,
                                            const std::string& version) = 0;
  [[nodiscard]] virtual Result<void> remove(const std::string& key) = 0;
};

// "consul" or "etcd" at an HTTP endpoint; keys are relative ("forja/scale/web").
[[nodiscard]] Result<std::unique_ptr<KvStore>> make_kv_store(const std::string& backend,
                                                             const std::string& endpoint);

}  // namespace forja
