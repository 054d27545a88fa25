#pragma once

#include <cstddef>
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
  int unknown = 0;  // plan: '?' states, which depend on earlier changes
  bool unreachable = false;
  bool interrupted = false;
  std::string error;  // why it failed or was unreachable
  double seconds = 0;
  // Plan: states that will or may change.
  [[nodiscard]] int pending() const { return changed + unknown; }
};

// Receives engine events and prints them: human-readable (live) or a JSON event stream.
class RunReport {
 public:
  virtual ~RunReport() = default;
  // Something the user should know that is not an error (a play that targets no host).
  virtual void note(const std::string& text) = 0;
  // The hosts of the run, in inventory order (a report may print each host's lines in it).
  virtual void run_started(const std::vector<std::string>& hosts) { (void)hosts; }
  virtual void host_started(const std::string& host, const std::string& platform) = 0;
  virtual void state(const StateEvent& event) = 0;
  virtual void host_finished(const HostRecap& recap) = 0;
  virtual void recap(const std::vector<HostRecap>& hosts, double seconds) = 0;
};

enum class ReportMode { plan, apply };
enum class ReportFormat { human, json };
// Whether diffs are printed at all (--no-diff hides them, in JSON too).
enum class DiffDisplay { shown, hidden };

// How many lines of one diff the human report prints unless verbose; the rest is counted.
inline constexpr std::size_t k_diff_lines_shown = 40;

// verbose: also show states that need no change, with the reason, and whole diffs (otherwise
// cut after k_diff_lines_shown lines; JSON always has them whole). The human report prints each
// host's lines together, hosts in inventory order (the first unfinished host live, the others
// once the hosts before them are done). Everything goes through `out`.
[[nodiscard]] std::unique_ptr<RunReport> make_run_report(ReportMode mode, ReportFormat format,
                                                         bool verbose, Reporter& out = reporter(),
                                                         DiffDisplay diffs = DiffDisplay::shown);

}  // namespace forja
