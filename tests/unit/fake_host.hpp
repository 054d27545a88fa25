#pragma once

// A host simulated for the engine's unit tests: files, packages, services and the commands
// run, answering the real resources' probes and commands the way a Debian host would (only
// as far as these tests need). Plugged into a FakeTransport.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/runner.hpp"
#include "transport/fake_transport.hpp"

namespace forja::test {

struct FakeHost {
  std::string name = "h1";
  std::map<std::string, std::string> files;       // path -> content
  std::set<std::string> links;                    // paths that are symlinks
  std::map<std::string, std::string> dirs;        // directory -> "MODE OWNER GROUP"
  std::set<std::string> read_only;                // writes "succeed" but change nothing
  std::map<std::string, std::string> installed;   // package -> version
  std::map<std::string, std::string> available;   // package -> candidate version
  std::map<std::string, bool> services;           // unit -> active
  std::vector<std::string> log;                   // what ran, in order ("install a b", "cmd: x")
  int probe_batches = 0;      // probes answered (each probe of a batch counts)
  std::size_t round_trips = 0;
  int fail_probe_batch = -1;  // the probe batch (1-based) that loses the connection
  bool unreachable = false;

  Result<ProbeOutput> probe(const Probe& p);
  Result<ExecResult> run(const Command& c);
  std::unique_ptr<Transport> transport();
  // How many times `entry` appears in the log.
  [[nodiscard]] int count(const std::string& entry) const;
};

// Facts for a Debian host, whatever the probe printed.
[[nodiscard]] FactsSource debian_facts();

}  // namespace forja::test
