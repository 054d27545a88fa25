#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "engine/runner.hpp"
#include "inventory/model.hpp"
#include "playbook/model.hpp"

namespace forja {

// The outcome of one health probe.
struct VerifyResult {
  std::string probe;   // "http", "lb_spread", ...
  std::string target;  // what was probed: URL, host:port, unit@host, service name
  bool pass = false;
  std::string value;   // what was measured ("200", "20 requests: lab2-5000 10, lab3-5000 10")
  std::string detail;  // why it failed, in words
  double seconds = 0;
  int attempts = 0;
};

struct VerifyOptions {
  std::chrono::seconds timeout{30};  // per probe: retried until it passes or this runs out
  std::size_t forks = 50;
};

// Expand the playbook's `verify:` probes (one per matching host when `hosts:` is given),
// validate them (bad input before anything is probed), run them in parallel.
[[nodiscard]] Result<std::vector<VerifyResult>> run_verify(const Playbook& book,
                                                           const Inventory& inventory,
                                                           const TransportFactory& connect,
                                                           const VerifyOptions& options);

// Print the results as a table (or JSON lines); returns whether all passed.
bool report_verify(const std::vector<VerifyResult>& results, bool json);

}  // namespace forja
