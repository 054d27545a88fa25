#pragma once

#include <chrono>
#include <set>
#include <string>

#include "discovery/discovery.hpp"
#include "util/error.hpp"

namespace forja {

using ScaleClock = std::chrono::steady_clock;

// The instance a balancer's answer names ("Hello World! I am lab2-5001 on host lab2" ->
// "lab2-5001"), "" when it names none.
[[nodiscard]] std::string answering_instance(const std::string& body);

// Ask the balancer until an answer comes from `instance`; fails at the deadline, naming who
// answered instead.
[[nodiscard]] Result<void> wait_served_by(const std::string& url, const std::string& instance,
                                          ScaleClock::time_point deadline);

// Ask the balancer until `quiet` answers in a row came from none of `gone`.
[[nodiscard]] Result<void> wait_not_served_by(const std::string& url,
                                              const std::set<std::string>& gone, int quiet,
                                              ScaleClock::time_point deadline);

// Wait until discovery lists each of `present` as passing and none of `absent`.
[[nodiscard]] Result<void> wait_discovery(Discovery& discovery, const std::string& service,
                                          const std::set<std::string>& present,
                                          const std::set<std::string>& absent,
                                          ScaleClock::time_point deadline);

}  // namespace forja
