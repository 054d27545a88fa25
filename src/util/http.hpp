#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace forja {

// A plain-HTTP response.
struct HttpResponse {
  int status = 0;
  std::string body;
};

// A minimal HTTP/1.0 client for probes and discovery APIs: http://HOST[:PORT]/PATH only.
// Fails on connection errors and timeouts (the message says which).
[[nodiscard]] Result<HttpResponse> http_request(std::string_view method, std::string_view url,
                                                std::string_view body,
                                                std::chrono::milliseconds timeout);

[[nodiscard]] std::string base64_encode(std::string_view data);
[[nodiscard]] std::string base64_decode(std::string_view text);

}  // namespace forja
