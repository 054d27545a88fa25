// What plan and apply print: diffs as diff(1) orders them and cut to a bound, --no-diff, hosts in
// inventory order, the plan's summary.
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "captured_reporter.hpp"
#include "report/reporter.hpp"
#include "report/run_report.hpp"
#include "util/diff.hpp"
#include "util/text.hpp"

using namespace forja;
using forja::test::Captured;

namespace {

StateEvent event(const std::string& host, const std::string& id, StateStatus status,
                 const std::string& diff = "") {
  StateEvent e;
  e.host = host;
  e.id = id;
  e.status = status;
  e.summary = "update content";
  e.diff = diff;
  return e;
}

HostRecap recap(const std::string& host, int changed, int unknown) {
  HostRecap r;
  r.host = host;
  r.changed = changed;
  r.unknown = unknown;
  return r;
}

std::string numbered(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) out += "line " + std::to_string(i) + "\n";
  return out;
}

}  // namespace

TEST_CASE("a diff lists the removed lines of each change before the added ones, as diff(1)",
          "[util][diff]") {
  CHECK(unified_diff("a\nold\nb\n", "a\nnew\nb\n", "x", "y") ==
        "--- x\n+++ y\n@@ -1,3 +1,3 @@\n a\n-old\n+new\n b\n");
  // Several lines replaced, and a replacement at the very start: line numbers stay right.
  CHECK(unified_diff("o1\no2\nk\np\n", "n1\nk\nq1\nq2\n", "x", "y") ==
        "--- x\n+++ y\n@@ -1,4 +1,4 @@\n-o1\n-o2\n+n1\n k\n-p\n+q1\n+q2\n");
  // A change after more than 2*3 kept lines starts a hunk of its own, numbered as diff -u does.
  CHECK(unified_diff("x\n" + numbered(1, 10) + "y\n", "X\n" + numbered(1, 10) + "Y\n", "a", "b") ==
        "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-x\n+X\n line 1\n line 2\n line 3\n"
        "@@ -9,4 +9,4 @@\n line 8\n line 9\n line 10\n-y\n+Y\n");
}

TEST_CASE("a long diff is cut to a bound in the human report, whole under -v and in JSON",
          "[report][diff]") {
  const auto diff = unified_diff("", numbered(1, 100), "/dev/null", "/etc/big.conf");
  {
    Captured c;
    auto report = make_run_report(ReportMode::plan, ReportFormat::human, false, c.reporter());
    report->state(event("w1", "file[/etc/big.conf]", StateStatus::changed, diff));
    const auto out = c.out();
    CHECK_THAT(out, Catch::Contains("+line 37\n"));
    CHECK_THAT(out, !Catch::Contains("+line 38\n"));  // 3 header lines + 37 = the bound
    CHECK_THAT(out, Catch::Contains("... 63 more line(s) of diff: -v or --json show it whole"));
  }
  {
    Captured c;
    auto report = make_run_report(ReportMode::plan, ReportFormat::human, true, c.reporter());
    report->state(event("w1", "file[/etc/big.conf]", StateStatus::changed, diff));
    CHECK_THAT(c.out(), Catch::Contains("+line 100\n") && !Catch::Contains("more line(s)"));
  }
  {
    Captured c;
    auto report = make_run_report(ReportMode::plan, ReportFormat::json, false, c.reporter());
    report->state(event("w1", "file[/etc/big.conf]", StateStatus::changed, diff));
    CHECK_THAT(c.out(), Catch::Contains("+line 100\\n"));
  }
}

TEST_CASE("--no-diff prints summaries without diffs, in text and JSON", "[report][diff]") {
  const auto diff = unified_diff("old\n", "new\n", "a", "b");
  for (auto format : {ReportFormat::human, ReportFormat::json}) {
    Captured c;
    auto report =
        make_run_report(ReportMode::plan, format, true, c.reporter(), DiffDisplay::hidden);
    report->state(event("w1", "file[/etc/app.conf]", StateStatus::changed, diff));
    const auto out = c.out();
    CHECK_THAT(out, Catch::Contains("update content"));
    CHECK_THAT(out, !Catch::Contains("new") && !Catch::Contains("@@"));
  }
}

TEST_CASE("hosts are printed in inventory order, whichever finishes first", "[report][order]") {
  Captured c;
  auto report = make_run_report(ReportMode::apply, ReportFormat::human, false, c.reporter());
  report->run_started({"w1", "w2", "w3"});
  // w3 and w2 finish before w1, which prints live as the first host.
  report->state(event("w3", "file[/c]", StateStatus::changed));
  report->host_finished(recap("w3", 1, 0));
  report->state(event("w1", "file[/a1]", StateStatus::changed));
  report->state(event("w2", "file[/b]", StateStatus::changed));
  report->host_finished(recap("w2", 1, 0));
  CHECK(c.out() == "w1 ~ file[/a1] changed: update content\n");
  report->state(event("w1", "file[/a2]", StateStatus::changed));
  report->host_finished(recap("w1", 2, 0));
  report->recap({recap("w1", 2, 0), recap("w2", 1, 0), recap("w3", 1, 0)}, 1.0);
  const auto lines = split_lines(c.out());
  REQUIRE(lines.size() >= 4);
  CHECK(lines[0] == "w1 ~ file[/a1] changed: update content");
  CHECK(lines[1] == "w1 ~ file[/a2] changed: update content");
  CHECK(lines[2] == "w2 ~ file[/b] changed: update content");
  CHECK(lines[3] == "w3 ~ file[/c] changed: update content");
  const auto out = c.out();
  CHECK(out.find("  w1 ") < out.find("  w2 "));
  CHECK(out.find("  w2 ") < out.find("  w3 "));
}

TEST_CASE("the plan's summary tells sure changes from those that depend on earlier ones",
          "[report][plan]") {
  Captured c;
  auto report = make_run_report(ReportMode::plan, ReportFormat::human, false, c.reporter());
  report->recap({recap("w1", 4, 2), recap("w2", 0, 0)}, 1.0);
  const auto out = c.out();
  CHECK_THAT(out,
             Catch::Contains(
                 "4 to change, 2 that depend on earlier changes; run 'forja apply' to make them."));
  CHECK_THAT(out, Catch::Contains("w1    ok=0 to-change=4 unknown=2 failed=0"));
  CHECK_THAT(out, !Catch::Contains("change(s) pending"));
  Captured json;
  auto stream = make_run_report(ReportMode::plan, ReportFormat::json, false, json.reporter());
  stream->host_finished(recap("w1", 4, 2));
  CHECK_THAT(json.out(), Catch::Contains(R"("changed":4,"unknown":2)"));
}
