#include "report/run_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "report/reporter.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

// Above this many hosts the recap is totals plus the hosts that need attention (not with -v).
constexpr std::size_t k_compact_recap_hosts = 8;

const char* status_word(StateStatus s, ReportMode mode) {
  switch (s) {
    case StateStatus::ok: return "ok";
    case StateStatus::changed: return mode == ReportMode::plan ? "will change" : "changed";
    case StateStatus::failed: return "failed";
    case StateStatus::skipped: return "skipped";
    case StateStatus::will_change: return "will change";
    case StateStatus::unknown: return "unknown";
  }
  return "?";
}

// A diff as printed: masked, then cut after `bound` lines (0: whole), painted.
std::vector<std::string> diff_lines(Reporter& r, const std::string& diff, std::size_t bound) {
  std::vector<std::string> out;
  const auto lines = split_lines(r.masked_diff(diff));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (bound > 0 && i == bound) {
      out.push_back(
          "    " +
          r.paint("dim", fmt::format("... {} more line(s) of diff: -v or --json show it whole",
                                     lines.size() - bound)));
      break;
    }
    const auto& l = lines[i];
    const char* c = l.starts_with("+") ? "green" : l.starts_with("-") ? "red" : "dim";
    if (l.starts_with("@@")) c = "cyan";
    out.push_back("    " + r.paint(c, l));
  }
  return out;
}

class HumanReport final : public RunReport {
 public:
  HumanReport(ReportMode mode, bool verbose, DiffDisplay diffs, Reporter& out)
      : m_mode(mode), m_verbose(verbose), m_diffs(diffs), m_out(out) {}

  void note(const std::string& text) override { m_out.error_line("forja: note: " + text); }

  void run_started(const std::vector<std::string>& hosts) override {
    std::lock_guard lock(m_mutex);
    m_hosts = hosts;
    m_held.assign(hosts.size(), {});
    m_done.assign(hosts.size(), false);
    m_next = 0;
  }

  void host_started(const std::string& host, const std::string& platform) override {
    if (m_mode == ReportMode::apply) m_out.progress(host + ": " + platform);
  }

  void state(const StateEvent& e) override {
    if (e.status == StateStatus::ok && !m_verbose) return;
    auto& r = m_out;
    const char* color = e.status == StateStatus::ok        ? "green"
                        : e.status == StateStatus::failed  ? "red"
                        : e.status == StateStatus::skipped ? "dim"
                                                           : "yellow";
    std::string sigil = e.status == StateStatus::ok        ? "="
                        : e.status == StateStatus::failed  ? "!"
                        : e.status == StateStatus::skipped ? "-"
                        : e.status == StateStatus::unknown ? "?"
                                                           : "~";
    std::string word = status_word(e.status, m_mode);
    std::string after;
    if (!e.after.empty()) {
      for (const auto& a : e.after) after += (after.empty() ? "" : ", ") + a;
      after = " (after: " + after + ")";
    }
    std::string time = m_mode == ReportMode::apply && e.seconds >= 0.05
                           ? fmt::format(" [{:.1f}s]", e.seconds)
                           : "";
    std::vector<std::string> lines;
    lines.push_back(fmt::format("{} {} {}{} {}: {}{}{}", r.paint("bold", e.host),
                                r.paint(color, sigil), e.handler ? "handler " : "", e.id,
                                r.paint(color, word), e.summary, after, time));
    if (!e.diff.empty() && m_diffs == DiffDisplay::shown) {
      auto diff = diff_lines(r, e.diff, m_verbose ? 0 : k_diff_lines_shown);
      lines.insert(lines.end(), diff.begin(), diff.end());
    }
    print(e.host, std::move(lines));
  }

  void host_finished(const HostRecap& recap) override {
    std::lock_guard lock(m_mutex);
    auto i = index_of(recap.host);
    if (i == m_hosts.size()) return;
    m_done[i] = true;
    advance_locked();
  }

  void recap(const std::vector<HostRecap>& hosts, double seconds) override {
    {
      std::lock_guard lock(m_mutex);  // hosts that never said they finished (an internal error)
      std::fill(m_done.begin(), m_done.end(), true);
      advance_locked();
    }
    auto& r = m_out;
    std::size_t width = 4;
    for (const auto& h : hosts) width = std::max(width, h.host.size());
    // Many hosts: totals first, then only the hosts that need attention (-v lists them all).
    const bool compact = hosts.size() > k_compact_recap_hosts && !m_verbose;
    std::vector<std::string> lines{"", r.paint("bold", m_mode == ReportMode::plan ? "PLAN" : "RECAP")};
    if (compact) lines.back() += "  " + totals(hosts, seconds);
    int total_changed = 0, total_unknown = 0;
    for (const auto& h : hosts) {
      total_changed += h.changed;
      total_unknown += h.unknown;
      const bool attention = h.unreachable || h.failed > 0 || h.interrupted || !h.error.empty();
      if (compact && !attention) continue;
      std::string line;
      if (h.unreachable) {
        line = fmt::format("  {:<{}}  {}", h.host, width, r.paint("red", "unreachable: " + h.error));
      } else if (m_mode == ReportMode::plan) {
        line = fmt::format("  {:<{}}  ok={} {}{} failed={}{}", h.host, width, h.ok,
                           h.changed ? r.paint("yellow", fmt::format("to-change={}", h.changed))
                                     : std::string("to-change=0"),
                           h.unknown ? " " + r.paint("yellow", fmt::format("unknown={}", h.unknown))
                                     : std::string(),
                           h.failed, h.error.empty() ? "" : "  " + r.paint("red", h.error));
      } else {
        line = fmt::format("  {:<{}}  ok={} {} failed={} skipped={}  {:.1f}s{}{}", h.host, width,
                           h.ok,
                           h.changed ? r.paint("yellow", fmt::format("changed={}", h.changed))
                                     : std::string("changed=0"),
                           h.failed, h.skipped, h.seconds,
                           h.interrupted ? r.paint("red", "  interrupted") : "",
                           h.error.empty() ? "" : "  " + r.paint("red", h.error));
      }
      lines.push_back(line);
    }
    int unreachable = 0, failed = 0;
    for (const auto& h : hosts) {
      unreachable += h.unreachable ? 1 : 0;
      failed += h.failed > 0 && !h.unreachable ? 1 : 0;
    }
    if (m_mode == ReportMode::plan) {
      if (total_changed || total_unknown) {
        lines.push_back(
            fmt::format("{} to change, {} that depend on earlier changes; run 'forja "
                        "apply' to make them.",
                        total_changed, total_unknown));
      } else if (unreachable || failed) {
        lines.push_back("No changes found on the hosts that answered; nothing is known about " +
                        fmt::format("{} unreachable and {} failed host(s).", unreachable, failed));
      } else {
        lines.push_back("No changes: every host is converged.");
      }
    } else if (!compact) {
      lines.push_back(fmt::format("{} host(s) in {:.1f}s", hosts.size(), seconds));
    }
    r.block(lines);
  }

  // "32 hosts in 221.5s: 30 changed (lab2 ... lab31), 2 unchanged; 0 failed, 0 unreachable".
  std::string totals(const std::vector<HostRecap>& hosts, double seconds) const {
    std::vector<std::string> changed, unchanged;
    int failed = 0, unreachable = 0;
    for (const auto& h : hosts) {
      if (h.unreachable) {
        ++unreachable;
      } else if (h.failed > 0) {
        ++failed;
      } else if (h.changed > 0 || h.unknown > 0) {
        changed.push_back(h.host);
      } else {
        unchanged.push_back(h.host);
      }
    }
    auto some = [](const std::vector<std::string>& v) {
      if (v.empty()) return std::string();
      return " (" + (v.size() <= 3 ? join(v) : v.front() + " ... " + v.back()) + ")";
    };
    const bool plan = m_mode == ReportMode::plan;
    return fmt::format("{} hosts{}: {} {}{}, {} {}{}; {} failed, {} unreachable", hosts.size(),
                       plan ? "" : fmt::format(" in {:.1f}s", seconds), changed.size(),
                       plan ? "to change" : "changed", some(changed), unchanged.size(),
                       plan ? "converged" : "unchanged", some(unchanged), failed, unreachable);
  }

 private:
  std::size_t index_of(const std::string& host) const {
    return static_cast<std::size_t>(std::find(m_hosts.begin(), m_hosts.end(), host) -
                                    m_hosts.begin());
  }

  // A state's lines: now when its host is the first unfinished one (or the order is unknown),
  // else held until the hosts before it are done.
  void print(const std::string& host, std::vector<std::string> lines) {
    std::lock_guard lock(m_mutex);
    auto i = index_of(host);
    if (i == m_hosts.size() || i == m_next) {
      m_out.block(lines);
      return;
    }
    m_held[i].push_back(std::move(lines));
  }

  // Print what the hosts that became first hold, past every finished one.
  void advance_locked() {
    while (m_next < m_hosts.size()) {
      for (const auto& block : m_held[m_next]) m_out.block(block);
      m_held[m_next].clear();
      if (!m_done[m_next]) break;
      ++m_next;
    }
  }

  ReportMode m_mode;
  bool m_verbose;
  DiffDisplay m_diffs;
  Reporter& m_out;
  std::mutex m_mutex;
  std::vector<std::string> m_hosts;  // inventory order
  std::vector<std::vector<std::vector<std::string>>>
      m_held;  // per host, its blocks not yet printed
  std::vector<bool> m_done;
  std::size_t m_next = 0;  // the first host not done: its lines print live
};

class JsonReport final : public RunReport {
 public:
  JsonReport(ReportMode mode, DiffDisplay diffs, Reporter& out)
      : m_mode(mode), m_diffs(diffs), m_out(out) {}
  void note(const std::string& text) override {
    m_out.line(fmt::format(R"({{"event":"note","text":{}}})", json_string(text)));
  }
  void host_started(const std::string& host, const std::string& platform) override {
    m_out.line(fmt::format(R"({{"event":"host_started","host":{},"platform":{}}})",
                           json_string(host), json_string(platform)));
  }
  void state(const StateEvent& e) override {
    std::string after = "[";
    for (const auto& a : e.after) after += (after.size() > 1 ? "," : "") + json_string(a);
    after += "]";
    m_out.line(fmt::format(
        R"({{"event":"{}","host":{},"id":{},"status":{},"summary":{},"diff":{},"after":{},"seconds":{:.3f}}})",
        e.handler ? "handler" : "state", json_string(e.host), json_string(e.id),
        json_string(status_word(e.status, m_mode)), json_string(e.summary),
        json_string(m_diffs == DiffDisplay::shown ? m_out.masked_diff(e.diff) : ""), after,
        e.seconds));
  }
  void host_finished(const HostRecap& h) override {
    m_out.line(fmt::format(
        R"({{"event":"host_finished","host":{},"ok":{},"changed":{},"unknown":{},"failed":{},"skipped":{},"unreachable":{},"error":{},"seconds":{:.3f}}})",
        json_string(h.host), h.ok, h.changed, h.unknown, h.failed, h.skipped,
        h.unreachable ? "true" : "false", json_string(h.error), h.seconds));
  }
  void recap(const std::vector<HostRecap>& hosts, double seconds) override {
    m_out.line(
        fmt::format(R"({{"event":"recap","hosts":{},"seconds":{:.3f}}})", hosts.size(), seconds));
  }

 private:
  ReportMode m_mode;
  DiffDisplay m_diffs;
  Reporter& m_out;
};

}  // namespace

std::unique_ptr<RunReport> make_run_report(ReportMode mode, ReportFormat format, bool verbose,
                                           Reporter& out, DiffDisplay diffs) {
  if (format == ReportFormat::json) return std::make_unique<JsonReport>(mode, diffs, out);
  return std::make_unique<HumanReport>(mode, verbose, diffs, out);
}

}  // namespace forja
