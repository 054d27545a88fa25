#pragma once

#include <yaml-cpp/yaml.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "inventory/model.hpp"
#include "playbook/model.hpp"
#include "report/run_report.hpp"
#include "resources/resource.hpp"
#include "transport/transport.hpp"

namespace forja {

// What the engine needs from fact gathering: the platform for resources, all facts as a map
// for templates, and a one-line description ("debian 12, apt, systemd").
struct GatheredFacts {
  Platform platform;
  YAML::Node facts;
  std::string description;
};

// How facts are read: one read-only probe and a parser of its output. A probe, so that facts
// can be read again in the same round trip as the states' probes when a change may alter them.
struct FactsSource {
  Probe probe;
  std::function<Result<GatheredFacts>(const ProbeOutput&)> parse;
};

using TransportFactory = std::function<std::unique_ptr<Transport>(const Host&)>;

struct RunOptions {
  bool apply = false;             // false: plan only (dry run)
  std::size_t forks = 50;         // hosts worked on at once
  std::string limit;              // further restrict hosts (pattern), "" = no limit
  std::vector<std::string> tags;  // only states with one of these tags; empty = all
  std::string state_dir;          // where owed handlers are kept
};

struct RunOutcome {
  std::vector<HostRecap> hosts;
  int changes = 0;  // states changed (apply) or pending (plan)
  [[nodiscard]] ExitCode exit_code(bool changes_are_an_exit_code) const;
};

// Set from a SIGINT handler: workers finish the command in flight, record what it owes, then
// stop.
extern std::atomic<bool> g_interrupted;

// Validate every input for every targeted host (nothing contacted), then plan or apply on all
// hosts in parallel. `fact_stub` stands in for facts during validation (templates that use an
// undefined fact fail before any host is touched).
[[nodiscard]] Result<RunOutcome> run_playbook(const Playbook& book, const Inventory& inventory,
                                              const RunOptions& options,
                                              const TransportFactory& connect,
                                              const FactsSource& facts,
                                              const YAML::Node& fact_stub, RunReport& report);

}  // namespace forja
