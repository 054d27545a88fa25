#include "report/run_report.hpp"

#include <fmt/format.h>

#include "report/reporter.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

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

class HumanReport final : public RunReport {
 public:
  HumanReport(ReportMode mode, bool verbose, Reporter& out)
      : m_mode(mode), m_verbose(verbose), m_out(out) {}

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
    if (!e.diff.empty()) {
      for (const auto& l : split_lines(r.masked_diff(e.diff))) {
        const char* c = l.starts_with("+") ? "green" : l.starts_with("-") ? "red" : "dim";
        if (l.starts_with("@@")) c = "cyan";
        lines.push_back("    " + r.paint(c, l));
      }
    }
    r.block(lines);
  }

  void host_finished(const HostRecap&) override {}

  void recap(const std::vector<HostRecap>& hosts, double seconds) override {
    auto& r = m_out;
    std::size_t width = 4;
    for (const auto& h : hosts) width = std::max(width, h.host.size());
    std::vector<std::string> lines{"", r.paint("bold", m_mode == ReportMode::plan ? "PLAN" : "RECAP")};
    int total_changed = 0;
    for (const auto& h : hosts) {
      total_changed += h.changed;
      std::string line;
      if (h.unreachable) {
        line = fmt::format("  {:<{}}  {}", h.host, width, r.paint("red", "unreachable: " + h.error));
      } else if (m_mode == ReportMode::plan) {
        line = fmt::format("  {:<{}}  ok={} {} failed={}{}", h.host, width, h.ok,
                           h.changed ? r.paint("yellow", fmt::format("to-change={}", h.changed))
                                     : std::string("to-change=0"),
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
      if (total_changed) {
        lines.push_back(fmt::format("{} change(s) pending; run 'forja apply' to make them.", total_changed));
      } else if (unreachable || failed) {
        lines.push_back("No changes found on the hosts that answered; nothing is known about " +
                        fmt::format("{} unreachable and {} failed host(s).", unreachable, failed));
      } else {
        lines.push_back("No changes: every host is converged.");
      }
    } else {
      lines.push_back(fmt::format("{} host(s) in {:.1f}s", hosts.size(), seconds));
    }
    r.block(lines);
  }

 private:
  ReportMode m_mode;
  bool m_verbose;
  Reporter& m_out;
};

class JsonReport final : public RunReport {
 public:
  JsonReport(ReportMode mode, Reporter& out) : m_mode(mode), m_out(out) {}
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
        json_string(m_out.masked_diff(e.diff)), after, e.seconds));
  }
  void host_finished(const HostRecap& h) override {
    m_out.line(fmt::format(
        R"({{"event":"host_finished","host":{},"ok":{},"changed":{},"failed":{},"skipped":{},"unreachable":{},"error":{},"seconds":{:.3f}}})",
        json_string(h.host), h.ok, h.changed, h.failed, h.skipped, h.unreachable ? "true" : "false",
        json_string(h.error), h.seconds));
  }
  void recap(const std::vector<HostRecap>& hosts, double seconds) override {
    m_out.line(
        fmt::format(R"({{"event":"recap","hosts":{},"seconds":{:.3f}}})", hosts.size(), seconds));
  }

 private:
  ReportMode m_mode;
  Reporter& m_out;
};

}  // namespace

std::unique_ptr<RunReport> make_run_report(ReportMode mode, ReportFormat format, bool verbose,
                                           Reporter& out) {
  if (format == ReportFormat::json) return std::make_unique<JsonReport>(mode, out);
  return std::make_unique<HumanReport>(mode, verbose, out);
}

}  // namespace forja
