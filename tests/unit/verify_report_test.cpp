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
