#include <catch2/catch.hpp>

#include "captured_reporter.hpp"
#include "probes/verify.hpp"

using namespace forja;
using forja::test::Captured;

namespace {

// A `service` probe declared once and run on 30 hosts, lab2..lab31; the listed ones fail.
std::vector<VerifyResult> thirty_services(const std::vector<int>& failing) {
  std::vector<VerifyResult> out;
  for (int h = 2; h <= 31; ++h) {
    VerifyResult r;
    r.declared = 0;
    r.probe = "service";
    r.target = "microservice@5000 @lab" + std::to_string(h);
    r.pass = std::find(failing.begin(), failing.end(), h) == failing.end();
    r.value = r.pass ? "active" : "inactive";
    r.detail = r.pass ? "" : "microservice@5000 is inactive on lab" + std::to_string(h);
    out.push_back(r);
  }
  return out;
}

}  // namespace

TEST_CASE("verify prints a probe run on many hosts as one line naming only the failures", "[verify][report]") {
  Captured c;
  CHECK_FALSE(report_verify(thirty_services({5, 17, 30}), false, false, c.reporter()));
  auto out = c.out();
  CHECK_THAT(out, Catch::Contains("microservice@5000 on 30 hosts"));
  CHECK_THAT(out, Catch::Contains("27 of 30 passed"));
  CHECK_THAT(out, Catch::Contains(
                      "microservice@5000 @lab5: microservice@5000 is inactive on lab5; "
                      "microservice@5000 @lab17: microservice@5000 is inactive on lab17; "
                      "microservice@5000 @lab30: microservice@5000 is inactive on lab30"));
  CHECK(out.find("@lab6") == std::string::npos);
  CHECK_THAT(out, Catch::Contains("27 of 30 probes passed"));
}

TEST_CASE("verify -v prints one line per host", "[verify][report]") {
  Captured c;
  CHECK(report_verify(thirty_services({}), false, true, c.reporter()));
  auto out = c.out();
  for (int h = 2; h <= 31; ++h) CHECK_THAT(out, Catch::Contains("@lab" + std::to_string(h) + " "));
  CHECK_THAT(out, Catch::Contains("30 of 30 probes passed"));
}

#include "report/run_report.hpp"

namespace {

// 32 hosts: lab2..lab31 changed, lab1 unchanged, lab32 failed.
std::vector<HostRecap> thirty_two_hosts() {
  std::vector<HostRecap> hosts;
  for (int i = 1; i <= 32; ++i) {
    HostRecap h;
    h.host = "lab" + std::to_string(i);
    h.ok = 3;
    h.changed = i >= 2 && i <= 31 ? 12 : 0;
    if (i == 32) {
      h.failed = 1;
      h.error = "haproxy: validation failed";
    }
    hosts.push_back(h);
  }
  return hosts;
}

}  // namespace

TEST_CASE("an apply recap of many hosts is totals and only the hosts that need attention",
          "[report][recap]") {
  Captured c;
  make_run_report(ReportMode::apply, ReportFormat::human, false, c.reporter())
      ->recap(thirty_two_hosts(), 221.5);
  auto out = c.out();
  CHECK_THAT(out, Catch::Contains("RECAP  32 hosts in 221.5s: 30 changed (lab2 ... lab31), 1 unchanged "
                                  "(lab1); 1 failed, 0 unreachable"));
  CHECK_THAT(out, Catch::Contains("  lab32  ok=3 changed=0 failed=1 skipped=0"));
  CHECK(out.find("  lab2 ") == std::string::npos);
  CHECK(std::count(out.begin(), out.end(), '\n') == 3);
}

TEST_CASE("a recap of many hosts lists every host with -v", "[report][recap]") {
  Captured c;
  make_run_report(ReportMode::apply, ReportFormat::human, true, c.reporter())->recap(thirty_two_hosts(), 1.0);
  auto out = c.out();
  for (int i = 1; i <= 32; ++i) CHECK_THAT(out, Catch::Contains("  lab" + std::to_string(i) + " "));
}
