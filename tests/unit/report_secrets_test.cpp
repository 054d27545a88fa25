#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "captured_reporter.hpp"
#include "report/reporter.hpp"
#include "report/run_report.hpp"
#include "util/diff.hpp"
#include "util/json.hpp"
#include "util/shell.hpp"
#include "util/text.hpp"
#include "util/text_masker.hpp"

using namespace forja;
using forja::test::Captured;

namespace {


std::size_t count(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string_view::npos;
       pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

StateEvent event(std::string summary, std::string diff = "") {
  StateEvent e;
  e.host = "w1";
  e.id = "file[/etc/app.conf]";
  e.status = StateStatus::changed;
  e.summary = std::move(summary);
  e.diff = std::move(diff);
  return e;
}

}  // namespace

TEST_CASE("text masker hides every needle, overlapping ones behind one marker", "[util][mask]") {
  TextMasker m("***");
  CHECK(m.apply("nothing to hide") == "nothing to hide");
  m.add("abcdef");
  m.add("cdefgh");
  m.add("xyz");
  m.add("");
  CHECK(m.apply("abcdefgh") == "***");
  CHECK(m.apply("1 abcdef 2 cdefgh 3 xyz 4") == "1 *** 2 *** 3 *** 4");
  CHECK(m.apply("xyzxyz") == "******");
  CHECK(m.apply("ab cd xy") == "ab cd xy");
}

TEST_CASE("reporter masks a secret on stdout and stderr", "[report][secrets]") {
  Captured c;
  c.reporter().add_secret("hunter22");
  c.reporter().add_secret("ab");  // too short to mask without garbling output
  c.reporter().line("password is hunter22, twice: hunter22");
  c.reporter().block({"a hunter22 b", "about"});
  c.reporter().error_line("forja: error: w1: hunter22 rejected");
  CHECK(c.out() == "password is ********, twice: ********\na ******** b\nabout\n");
  CHECK(c.err() == "forja: error: w1: ******** rejected\n");
}

TEST_CASE("json output masks a secret containing a quote", "[report][secrets]") {
  Captured c;
  const std::string secret = "pa\"ss\\wo\trd\x01";
  c.reporter().add_secret(secret);
  auto report = make_run_report(ReportMode::apply, ReportFormat::json, false, c.reporter());
  report->state(event("set password " + secret));
  HostRecap recap;
  recap.host = "w1";
  recap.failed = 1;
  recap.error = "w1: user[app]: chpasswd rejected " + secret;
  report->host_finished(recap);
  auto out = c.out();
  CHECK(count(out, secret) == 0);
  CHECK(count(out, "pa\\\"ss") == 0);
  CHECK(count(out, json_string(secret).substr(1, 8)) == 0);
  CHECK(count(out, R"("summary":"set password ********")") == 1);
  CHECK(count(out, R"("error":"w1: user[app]: chpasswd rejected ********")") == 1);
}

TEST_CASE("errors mask a secret shell-quoted inside an argv", "[report][secrets]") {
  Captured c;
  const std::string secret = "it's-s3cret";
  c.reporter().add_secret(secret);
  const std::string error = "w1: cannot run " + shell_join({"chpasswd", secret}) + ": denied";
  REQUIRE(count(error, secret) == 0);  // the quoting splits it: only the quoted form shows
  c.reporter().error_line(error);
  auto report = make_run_report(ReportMode::apply, ReportFormat::json, false, c.reporter());
  HostRecap recap;
  recap.host = "w1";
  recap.error = error;
  report->host_finished(recap);
  CHECK(c.err() == "w1: cannot run chpasswd '********': denied\n");
  CHECK(count(c.out(), "s3cret") == 0);
  CHECK(count(c.out(), "chpasswd '********'") == 1);
}

TEST_CASE("diff output masks every line of a multi-line secret", "[report][secrets]") {
  const std::string secret =
      "-----BEGIN KEY-----\nMIIEvQ\"IBADAN\nBgkqhkiG9w0B\nQ\n-----END KEY-----\n";
  std::string content = "tls_key: |\n";
  for (const auto& l : split_lines(secret)) content += "  " + l + "\n";
  const std::string diff = unified_diff("", content, "/dev/null", "/etc/app/tls.yml");
  for (auto format : {ReportFormat::human, ReportFormat::json}) {
    Captured c;
    c.reporter().add_secret(secret);
    auto report = make_run_report(ReportMode::plan, format, false, c.reporter());
    report->state(event("create", diff));
    c.reporter().error_line("w1: bad key " + secret);
    auto out = c.out();
    for (auto line : {"BEGIN KEY", "MIIEvQ", "IBADAN", "BgkqhkiG9w0B", "END KEY"}) {
      CHECK(count(out, line) == 0);
    }
    CHECK(count(out, "+  ********") == 4);
    // A line under 3 bytes is not masked alone, or "Q" would vanish from all output...
    CHECK(count(out, "+  Q") == 1);
    // ...but the whole secret, short lines included, still is.
    CHECK(c.err() == "w1: bad key ********\n");
  }
}

namespace {

// The diff from `before` to `after` as the reporter prints it with `secret` registered.
std::string masked_diff(const std::string& before, const std::string& after,
                        const std::string& secret) {
  Captured c;
  c.reporter().add_secret(secret);
  return c.reporter().masked_diff(unified_diff(before, after, "a", "b"));
}

}  // namespace

TEST_CASE("diff output masks the old value of a secret that changes", "[report][secrets]") {
  const std::string before = "port 6379\nrequirepass s3cr3t-old\nmaxmemory 1gb\n";
  const std::string after = "port 6379\nrequirepass s3cr3t-new\nmaxmemory 1gb\n";
  const std::string diff =
      unified_diff(before, after, "/etc/redis.conf (on host)", "/etc/redis.conf (desired)");
  for (auto mode : {ReportMode::plan, ReportMode::apply}) {
    for (auto format : {ReportFormat::human, ReportFormat::json}) {
      Captured c;
      c.reporter().add_secret("s3cr3t-new");
      auto report = make_run_report(mode, format, false, c.reporter());
      report->state(event("update content", diff));
      auto out = c.out();
      CHECK(count(out, "s3cr3t") == 0);
      CHECK(count(out, "-requirepass ********") == 1);
      CHECK(count(out, "+requirepass ********") == 1);
      CHECK(count(out, " port 6379") == 1);  // context stays readable
    }
  }
}

TEST_CASE("diff masking: a removed line is masked by the secret line of its change block",
          "[report][secrets]") {
  // Same position: the text around the secret on the added line is kept.
  CHECK(masked_diff("a\npassword = \"old-pw\";\nb\n", "a\npassword = \"new-pw\";\nb\n", "new-pw") ==
        "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n-password = \"********\";\n"
        "+password = \"********\";\n b\n");
  // Not at the same position in the block: still the block's secret line that it resembles.
  auto shifted = masked_diff("a\nrequirepass old-pw\nb\n",
                             "a\nbind 0.0.0.0\nrequirepass new-pw\nb\n", "new-pw");
  CHECK(count(shifted, "old-pw") == 0);
  CHECK(count(shifted, "-requirepass ********") == 1);
  CHECK(count(shifted, "+bind 0.0.0.0") == 1);
  // A removed line of the block that does not look like the secret line is hidden whole.
  auto whole = masked_diff("a\nold-pw\nb\n", "a\nrequirepass new-pw\nb\n", "new-pw");
  CHECK(count(whole, "old-pw") == 0);
  CHECK(count(whole, "\n-********\n") == 1);
  // A removed line far from the secret line is masked when it starts like it.
  std::string before = "requirepass old-pw\n", after;
  for (int i = 0; i < 10; ++i) before += "line " + std::to_string(i) + "\n";
  after = before.substr(before.find('\n') + 1) + "requirepass new-pw\n";
  auto moved = masked_diff(before, after, "new-pw");
  CHECK(count(moved, "old-pw") == 0);
  CHECK(count(moved, "-requirepass ********") == 1);
  // Removed lines with no secret nearby stay as they are.
  auto plain = masked_diff("x\nkeep-me\n" + before, "x\n" + after, "new-pw");
  CHECK(count(plain, "-keep-me") == 1);
  // Without a secret in the added lines nothing is hidden.
  CHECK(masked_diff("a\nold\n", "a\nnew\n", "absent") ==
        unified_diff("a\nold\n", "a\nnew\n", "a", "b"));
}

TEST_CASE("diff masking hides every old line of a multi-line secret that changes",
          "[report][secrets]") {
  const std::string old_key = "-----BEGIN KEY-----\nAAAAold1\nBBBBold2\n-----END KEY-----\n";
  const std::string new_key =
      "-----BEGIN KEY-----\nCCCCnew1\nDDDDnew2\nEEEEnew3\n-----END KEY-----\n";
  auto diff = masked_diff("x: 1\n" + old_key, "x: 1\n" + new_key, new_key);
  for (auto old_line : {"AAAAold1", "BBBBold2"}) CHECK(count(diff, old_line) == 0);
  for (auto new_line : {"CCCCnew1", "DDDDnew2", "EEEEnew3"}) CHECK(count(diff, new_line) == 0);
}

TEST_CASE("run reports mask secrets of every shape in summary, diff and error",
          "[report][secrets]") {
  const std::string plain = "plain-s3cret";
  const std::string json_special = "a\"b\\SEC2\tc\x02";
  const std::string quoted = "it's-SEC3";
  const std::string multi_line = "SEC4a-line-one\nSEC4b-line-two\nZ";
  const std::vector<std::string> leaks = {"s3cret", "SEC2",        "SEC3",         "SEC4a",
                                          "SEC4b",  "old-value-1", "old-key-line", "b\\\\SEC2"};

  StateEvent e = event("chpasswd failed: " + shell_join({"chpasswd", quoted}) + " said " + plain +
                       " / " + json_special + "\n" + multi_line);
  e.status = StateStatus::failed;
  e.diff = unified_diff("conf\npass old-value-1\nkey:\n  old-key-line\n",
                        "conf\npass " + plain + "\nkey:\n  SEC4a-line-one\n  SEC4b-line-two\n",
                        "/etc/app.conf (on host)", "/etc/app.conf (desired)");
  StateEvent changed = e;
  changed.status = StateStatus::changed;
  HostRecap recap;
  recap.host = "w1";
  recap.failed = 1;
  recap.error = "w1: user[app]: " + json_special + " " + shell_join({"usermod", quoted}) + " " +
                plain + " " + multi_line;

  for (auto mode : {ReportMode::plan, ReportMode::apply}) {
    for (auto format : {ReportFormat::human, ReportFormat::json}) {
      Captured c;
      for (const auto& s : {plain, json_special, quoted, multi_line}) c.reporter().add_secret(s);
      auto report = make_run_report(mode, format, true, c.reporter());
      report->host_started("w1", "debian 12");
      report->state(e);
      report->state(changed);
      report->host_finished(recap);
      report->recap({recap}, 1.5);
      c.reporter().error_line("forja: error: " + recap.error);
      const std::string all = c.out() + c.err();
      CAPTURE(all);
      for (const auto& leak : leaks) CHECK(count(all, leak) == 0);
      CHECK(count(all, "-pass ********") >= 1);
      CHECK(count(all, "+pass ********") >= 1);
      CHECK(count(all, "'********'") >= 2);  // shell-quoted: quotes kept, content masked
      CHECK(count(all, "********") >= 10);
    }
  }
}
