#include <catch2/catch.hpp>

#include "transport/transport.hpp"
#include "util/process.hpp"
#include "util/shell.hpp"
#include "util/text.hpp"

using namespace forja;

TEST_CASE("shell_quote leaves safe words alone and quotes the rest", "[util][shell]") {
  CHECK(shell_quote("apt-get") == "apt-get");
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("a b") == "'a b'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("$(rm -rf /)") == "'$(rm -rf /)'");
  CHECK(shell_join({"echo", "a;b", "c"}) == "echo 'a;b' c");
}

TEST_CASE("quoted argv survives a real shell byte for byte", "[util][shell]") {
  std::vector<std::string> words = {"plain", "with space", "quote'in", "\"dq\"", "$HOME",
                                    "`id`", "back\\slash", "new\nline", "*", ""};
  for (const auto& w : words) {
    auto r = run_process({"sh", "-c", "printf %s " + shell_quote(w)});
    REQUIRE(r);
    CHECK(r->out == w);
  }
}

TEST_CASE("did_you_mean suggests close names only", "[util][text]") {
  CHECK(did_you_mean("adress", {"address", "port", "user"}) == " (did you mean 'address'?)");
  CHECK(did_you_mean("zzzzzz", {"address", "port"}).empty());
}

TEST_CASE("run_process captures stdout, stderr, exit status and feeds stdin", "[util][process]") {
  ProcessOptions opts;
  opts.input = "hello";
  auto r = run_process({"sh", "-c", "cat; echo err >&2; exit 3"}, opts);
  REQUIRE(r);
  CHECK(r->out == "hello");
  CHECK(r->err == "err\n");
  CHECK(r->exit_status == 3);
}

TEST_CASE("run_process times out", "[util][process]") {
  ProcessOptions opts;
  opts.timeout = std::chrono::milliseconds(200);
  auto r = run_process({"sleep", "5"}, opts);
  CHECK_FALSE(r);
}


TEST_CASE("natural_less orders numbers inside names by value", "[util][text]") {
  std::vector<std::string> names = {"lab10-5000", "lab2-5000", "lab31-5000", "lab9-5000", "lab02"};
  std::sort(names.begin(), names.end(), [](auto& a, auto& b) { return natural_less(a, b); });
  CHECK(names == std::vector<std::string>{"lab02", "lab2-5000", "lab9-5000", "lab10-5000", "lab31-5000"});
  CHECK_FALSE(natural_less("a", "a"));
  CHECK(natural_less("a", "ab"));
}
