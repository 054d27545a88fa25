#pragma once

#include <memory>
#include <string>
#include <vector>

#include "report/reporter.hpp"

namespace forja {

enum class StateStatus { ok, changed, failed, skipped, will_change, unknown };

// What happened (apply) or would happen (plan) to one state or handler on one host.
struct StateEvent {
  std::string host;
  std::string id;
  StateStatus status = StateStatus::ok;
  std::string summary;
  std::string diff;
  std::vector<std::string> after;  // plan: earlier changes this one waits for
  bool handler = false;
  double seconds = 0;
};

// The end-of-run line for one host.
struct HostRecap {
  std::string host;
  int ok = 0, changed = 0, failed = 0, skipped = 0;
  bool unreachable = false;
  bool interrupted = false;
  std::string error;  // why it failed or was unreachable
  double seconds = 0;
  [[nodiscard]] int pending() const { return changed; }
};

// Receives engine events and prints them: human-readable (live) or a JSON event stream.
class RunReport {
 public:
  virtual ~RunReport() = default;
  virtual void host_started(const std::string& host, const std::string& platform) = 0;
  virtual void state(const StateEvent& event) = 0;
  virtual void host_finished(const HostRecap& recap) = 0;
  virtual void recap(const std::vector<HostRecap>& hosts, double seconds) = 0;
};

enum class ReportMode { plan, apply };
enum class ReportFormat { human, json };

// verbose: also show states that need no change, with the reason. Everything goes through `out`.
[[nodiscard]] std::unique_ptr<RunReport> make_run_report(ReportMode mode, ReportFormat format,
                                                         bool verbose, Reporter& out = reporter());

}  // namespace forja
