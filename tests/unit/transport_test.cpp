// The remote execution protocol: what reaches a host's argv and stdin, the sudo handshake,
// uploads that must never half-write, validation that passes every string literally.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "transport/local_transport.hpp"
#include "transport/remote_exec.hpp"
#include "util/shell.hpp"
#include "util/text.hpp"

using namespace forja;
namespace fs = std::filesystem;

namespace {

// A channel that plays a scripted host: each step is what the host prints, optionally only
// after it has received some bytes on stdin. Everything written to it is kept.
class ScriptedChannel final : public Channel {
 public:
  struct Step {
    std::string wait_for;  // printed once the input contains this ("" = at once)
    std::string out, err;
  };
  explicit ScriptedChannel(std::vector<Step> steps, int exit_status = 0)
      : m_steps(steps.begin(), steps.end()), m_exit(exit_status) {}

  Result<void> write(std::string_view data) override {
    written += data;
    return {};
  }
  Result<void> close_input() override {
    input_closed = true;
    return {};
  }
  Result<bool> read(std::string& out, std::string& err, std::chrono::milliseconds) override {
    while (!m_steps.empty() && written.find(m_steps.front().wait_for) != std::string::npos) {
      out += m_steps.front().out;
      err += m_steps.front().err;
      m_steps.pop_front();
    }
    return m_steps.empty() || m_stuck_forever;
  }
  int exit_status() override { return m_exit; }
  void abandon() override { abandoned = true; }

  std::string written;
  bool input_closed = false;
  bool abandoned = false;

 private:
  std::deque<Step> m_steps;
  int m_exit;
  bool m_stuck_forever = false;
};

Connection become_with_password(const char* env) {
  Connection c;
  c.become = true;
  c.become_password_env = env;
  return c;
}

std::string temp_dir() {
  char tmpl[] = "/tmp/forja-transport-test-XXXXXX";
  return ::mkdtemp(tmpl);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ExecResult run_local(const Command& c) {
  LocalTransport t(Connection{});
  auto r = t.exec(c);
  if (!r) FAIL(r.error().message);
  return *r;
}

}  // namespace

TEST_CASE("a command's values travel on stdin, never in the remote argv", "[transport][exec]") {
  Command c{{"sh", "-c", "echo \"$1\"", "x", "s3cr3t value"}, "", Privilege::become};
  Connection conn;
  conn.become = true;
  auto inv = prepare_invocation(c, conn, "n0nce");
  REQUIRE(inv);
  for (const auto& word : inv->argv) CHECK(word.find("s3cr3t") == std::string::npos);
  CHECK(inv->argv.front() == "sudo");
  CHECK(inv->payload.find("s3cr3t value") != std::string::npos);
  // The same command with other values has the same argv: nothing of them is in it.
  Command other{{"sh", "-c", "echo \"$1\"", "x", "something else"}, "", Privilege::become};
  CHECK(prepare_invocation(other, conn, "n0nce")->argv == inv->argv);
}

TEST_CASE("an argv runs byte for byte through the bootstrap on a real shell", "[transport][exec]") {
  std::vector<std::string> words = {"plain", "with space", "quote'in", "\"dq\"", "$HOME", "`id`",
                                    "back\\slash", "new\nline", "*", "", "-n", "%s", "a;b|c&d"};
  std::vector<std::string> argv = {"printf", "[%s]"};
  argv.insert(argv.end(), words.begin(), words.end());
  std::string expected;
  for (const auto& w : words) expected += "[" + w + "]";
  CHECK(run_local(Command{argv, ""}).out == expected);
  std::vector<std::string> script = {"sh", "-c", "printf '[%s]' \"$@\"", "name"};
  script.insert(script.end(), words.begin(), words.end());
  CHECK(run_local(Command{script, ""}).out == expected);
}

TEST_CASE("a command cut short in transit runs nothing", "[transport][exec]") {
  auto dir = temp_dir();
  Command c{{"sh", "-c", "touch \"$1\"; echo ran", "x", dir + "/marker"}, ""};
  auto inv = prepare_invocation(c, Connection{}, "cafe");
  REQUIRE(inv);
  // Every prefix of the payload that stops before the script's end: nothing runs.
  auto script_end = inv->payload.find("#forja-end-cafe") + std::string("#forja-end-cafe").size();
  for (std::size_t cut : {std::size_t{0}, std::size_t{3}, script_end / 2, script_end - 1}) {
    std::vector<std::string> boot(inv->argv.begin() + 4, inv->argv.end());  // without timeout
    LocalTransport t(Connection{});
    Command raw{{"sh", "-c", "exec \"$@\"", "x"}, inv->payload.substr(0, cut)};
    raw.argv.insert(raw.argv.end(), boot.begin(), boot.end());
    auto r = t.exec(raw);
    REQUIRE(r);
    CHECK(r->exit_status == 125);
    CHECK_FALSE(fs::exists(dir + "/marker"));
  }
  fs::remove_all(dir);
}

TEST_CASE("sudo without a prompt never receives the password", "[transport][sudo]") {
  ::setenv("FORJA_TEST_SUDO_PW", "pw-never-sent", 1);
  Command c{{"id", "-u"}, "stdin of the command", Privilege::become};
  auto inv = prepare_invocation(c, become_with_password("FORJA_TEST_SUDO_PW"), "n1");
  REQUIRE(inv);
  // A NOPASSWD user: sudo runs the bootstrap at once, which prints its ready marker.
  ScriptedChannel ch({{"", inv->ready_marker + "\n", ""}, {"stdin of the command", "0\n", ""}});
  auto r = drive_invocation(ch, *inv);
  REQUIRE(r);
  CHECK(r->out == "0\n");
  CHECK(ch.written.find("pw-never-sent") == std::string::npos);
  CHECK(ch.written == inv->payload);
  CHECK(ch.input_closed);
}

TEST_CASE("sudo's prompt gets the password once, and the command's stdin only after", "[transport][sudo]") {
  ::setenv("FORJA_TEST_SUDO_PW", "the-pw", 1);
  Command c{{"cat"}, "payload-bytes", Privilege::become};
  auto inv = prepare_invocation(c, become_with_password("FORJA_TEST_SUDO_PW"), "n2");
  REQUIRE(inv);
  ScriptedChannel ch({{"", "", "lecture\n" + inv->prompt_marker},
                      {"the-pw\n", inv->ready_marker + "\n", ""},
                      {"payload-bytes", "payload-bytes", ""}});
  auto r = drive_invocation(ch, *inv);
  REQUIRE(r);
  CHECK(r->out == "payload-bytes");
  CHECK(r->err == "lecture\n");  // the prompt itself is not output
  CHECK(ch.written == "the-pw\n" + inv->payload);
}

TEST_CASE("a rejected sudo password is an error, not a retry loop", "[transport][sudo]") {
  ::setenv("FORJA_TEST_SUDO_PW", "wrong", 1);
  auto inv = prepare_invocation(Command{{"true"}, "", Privilege::become},
                                become_with_password("FORJA_TEST_SUDO_PW"), "n3");
  REQUIRE(inv);
  ScriptedChannel ch({{"", "", inv->prompt_marker},
                      {"wrong\n", "", "Sorry, try again.\n" + inv->prompt_marker},
                      {"never", "", ""}});
  auto r = drive_invocation(ch, *inv);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("did not accept the password from $FORJA_TEST_SUDO_PW"));
  CHECK(r.error().message.find("wrong") == std::string::npos);
  CHECK(ch.abandoned);
  CHECK(ch.written == "wrong\n");
}

TEST_CASE("a command that outlives its timeout is stopped and reported", "[transport][timeout]") {
  auto dir = temp_dir();
  Command c{{"sh", "-c", "sleep 30; touch \"$1\"", "x", dir + "/late"}, ""};
  c.timeout = std::chrono::seconds(1);
  LocalTransport t(Connection{});
  auto r = t.exec(c);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("timed out after 1 s"));
  CHECK_FALSE(fs::exists(dir + "/late"));
  fs::remove_all(dir);
}

TEST_CASE("an upload whose stream is cut never replaces the live file", "[transport][upload]") {
  auto dir = temp_dir();
  auto path = dir + "/sudoers.d-app";
  std::ofstream(path) << "the live file\n";
  UploadSpec spec;
  spec.path = path;
  auto write = write_file_command(spec, std::string(100000, 'x') + "\nend\n");
  // The stream ends early: the host got only a prefix of the content.
  write.input = write.input.substr(0, 4096);
  auto r = run_local(write);
  CHECK(r.exit_status == 66);
  CHECK_THAT(r.err, Catch::Contains("cut short (4096 of 100005 bytes arrived)"));
  CHECK(slurp(path) == "the live file\n");
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);
  // Bytes that arrive changed fail the checksum.
  auto corrupt = write_file_command(spec, "abc\n");
  corrupt.input = "abd\n";
  CHECK(run_local(corrupt).exit_status == 66);
  CHECK(slurp(path) == "the live file\n");
  // The whole content arrives: it replaces the file.
  CHECK(run_local(write_file_command(spec, "new\n")).exit_status == 0);
  CHECK(slurp(path) == "new\n");
  fs::remove_all(dir);
}

TEST_CASE("validate and paths pass literally, whatever they hold", "[transport][upload]") {
  auto dir = temp_dir();
  std::string nasty = dir + "/a b'c\"$(touch PWNED)`touch PWNED2`;|&\\\nx";
  fs::create_directories(nasty);
  UploadSpec spec;
  spec.path = nasty + "/f;$(id).conf";
  spec.validate = {"sh", "-c", "test -f \"$1\" && ln -s -- \"$1\" \"$2\"", "v", "%s", dir + "/seen"};
  REQUIRE(run_local(write_file_command(spec, "ok\n")).exit_status == 0);
  CHECK(slurp(spec.path) == "ok\n");
  // The validator saw the candidate beside the target, under its own name.
  auto seen = fs::read_symlink(dir + "/seen").string();
  CHECK(seen.rfind(nasty + "/.f;$(id).conf.forja-", 0) == 0);
  CHECK_FALSE(fs::exists(dir + "/PWNED"));
  CHECK_FALSE(fs::exists("PWNED2"));
  // An argument with shell syntax is an argument: grep looks for it literally and fails.
  spec.validate = {"grep", "-q", "$(touch " + dir + "/PWNED3)", "%s"};
  auto rejected = run_local(write_file_command(spec, "new content\n"));
  CHECK(rejected.exit_status == 65);
  CHECK_THAT(rejected.err, Catch::Contains("validation failed"));
  // The command is shown as it ran, each word quoted as shell_join would quote it (the
  // candidate's random suffix aside).
  auto candidate = shell_quote(nasty + "/.f;$(id).conf.forja-");
  candidate.pop_back();
  CHECK_THAT(rejected.err,
             Catch::Contains("validation failed: grep -q " +
                             shell_quote("$(touch " + dir + "/PWNED3)") + " " + candidate));
  CHECK(slurp(spec.path) == "ok\n");
  CHECK_FALSE(fs::exists(dir + "/PWNED3"));
  fs::remove_all(dir);
}

TEST_CASE("a rejected candidate names the command that really ran, after the validator's output",
          "[transport][upload]") {
  auto dir = temp_dir();
  UploadSpec spec;
  spec.path = dir + "/sudoers";
  std::ofstream(spec.path) << "live\n";
  // A validator that talks a lot before it refuses (visudo prints one line per problem).
  spec.validate = {"sh", "-c", "seq 40; exit 1", "visudo-like", "-cf", "%s"};
  auto r = run_local(write_file_command(spec, "bad\n"));
  CHECK(r.exit_status == 65);
  // The engine shows the last lines of what failed: the verdict must be among them, with the
  // candidate's real path where the state wrote %s.
  auto tail = last_lines(r.err, 6);
  CHECK_THAT(tail, Catch::Contains("validation failed: sh -c 'seq 40; exit 1' visudo-like -cf " +
                                   dir + "/.sudoers.forja-"));
  CHECK_THAT(tail, Catch::Contains("40\n"));
  CHECK_THAT(r.err, !Catch::Contains("%s"));
  CHECK(slurp(spec.path) == "live\n");
  fs::remove_all(dir);
}

TEST_CASE("a backup never follows a planted symlink", "[transport][upload]") {
  auto dir = temp_dir();
  auto target = dir + "/precious";
  std::ofstream(target) << "precious\n";
  auto path = dir + "/app.conf";
  std::ofstream(path) << "old config\n";
  fs::create_symlink(target, path + ".forja-backup");
  UploadSpec spec;
  spec.path = path;
  spec.backup = true;
  REQUIRE(run_local(write_file_command(spec, "new config\n")).exit_status == 0);
  CHECK(slurp(target) == "precious\n");
  CHECK_FALSE(fs::is_symlink(path + ".forja-backup"));
  CHECK(slurp(path + ".forja-backup") == "old config\n");
  CHECK(slurp(path) == "new config\n");
  fs::remove_all(dir);
}

TEST_CASE("split_shell_words reads a command line without expanding anything", "[util][shell]") {
  CHECK(split_shell_words("visudo -cf %s") == std::vector<std::string>{"visudo", "-cf", "%s"});
  CHECK(split_shell_words("a 'b c' \"d \\\" $e\" f\\ g") ==
        std::vector<std::string>{"a", "b c", "d \" $e", "f g"});
  CHECK_FALSE(split_shell_words("unterminated 'quote"));
  CHECK_FALSE(split_shell_words("trailing\\"));
}
