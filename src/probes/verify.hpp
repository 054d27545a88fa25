#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "engine/runner.hpp"
#include "inventory/model.hpp"
#include "playbook/model.hpp"
#include "report/reporter.hpp"

namespace forja {

// The outcome of one health probe.
struct VerifyResult {
  std::size_t declared = 0;  // which `verify:` entry it came from (one per host with `hosts:`)
  std::string probe;   // "http", "lb_spread", ...
  std::string target;  // what was probed: URL, host:port, unit@host, service name
  bool pass = false;
  std::string value;   // what was measured, short ("30 healthy (lab2-5000 ... lab31-5000)")
  std::string full;    // the same with every instance listed ("" when `value` says it all)
  std::string detail;  // why it failed, naming only what is wrong
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

// Print the results as a table (or JSON lines, with the full listings); returns whether all
// passed. A `verify:` entry expanded for many hosts is one line unless `verbose`, and names
// only the hosts where it failed.
bool report_verify(const std::vector<VerifyResult>& results, bool json, bool verbose = false,
                   Reporter& out = reporter());

}  // namespace forja
