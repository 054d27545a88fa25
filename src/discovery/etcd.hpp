#pragma once

#include <memory>
#include <string>

#include "discovery/discovery.hpp"

namespace forja {

// etcd's v3 JSON gateway at `endpoint`: instances are the values under
// /forja/services/SERVICE/ (JSON {instance, address, port, health}), each under a lease that
// forja-etcd-register keeps alive only while the instance's /health answers.
[[nodiscard]] std::unique_ptr<Discovery> make_etcd(std::string endpoint);

// The key an instance lives under in etcd: /forja/services/SERVICE/INSTANCE.
[[nodiscard]] std::string etcd_instance_key(const std::string& service,
                                            const std::string& instance);

}  // namespace forja
