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

TEST_CASE("become wraps privileged commands in sudo, user commands untouched", "[transport]") {
  Connection c;
  c.become = true;
  Command cmd{{"id", "-u"}, "", Privilege::become};
  auto w = apply_become(cmd, c);
  REQUIRE(w);
  CHECK(w->argv == std::vector<std::string>{"sudo", "-n", "-H", "-u", "root", "--", "id", "-u"});
  cmd.privilege = Privilege::user;
  CHECK(apply_become(cmd, c)->argv == std::vector<std::string>{"id", "-u"});
}

TEST_CASE("atomic upload writes through a temp file and a rename", "[transport]") {
  char dir_template[] = "/tmp/forja-test-XXXXXX";
  std::string dir = ::mkdtemp(dir_template);
  UploadSpec spec;
  spec.path = dir + "/out.txt";
  spec.mode = "0600";
  auto argv = atomic_write_argv(spec);
  ProcessOptions opts;
  opts.input = "content with 'quotes'\n";
  auto r = run_process(argv, opts);
  REQUIRE(r);
  CHECK(r->exit_status == 0);
  auto cat = run_process({"sh", "-c", "cat " + shell_quote(spec.path) + "; stat -c %a " +
                                          shell_quote(spec.path) + "; ls -A " +
                                          shell_quote(dir) + " | wc -l"});
  REQUIRE(cat);
  CHECK(cat->out == "content with 'quotes'\n600\n1\n");
  (void)run_process({"rm", "-rf", dir});
}
