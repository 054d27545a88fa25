// Color on a terminal, honouring NO_COLOR (no-color.org: only a non-empty value turns it off);
// plain text into a pipe or a file.
#include <pty.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "report/reporter.hpp"

using namespace forja;

namespace {

// Sets NO_COLOR (or unsets it) for one scope, restoring what was there.
class NoColor {
 public:
  explicit NoColor(std::optional<std::string> value) {
    if (const char* old = std::getenv("NO_COLOR")) m_old = old;
    if (value) {
      ::setenv("NO_COLOR", value->c_str(), 1);
    } else {
      ::unsetenv("NO_COLOR");
    }
  }
  ~NoColor() {
    if (m_old) {
      ::setenv("NO_COLOR", m_old->c_str(), 1);
    } else {
      ::unsetenv("NO_COLOR");
    }
  }
  NoColor(const NoColor&) = delete;
  NoColor& operator=(const NoColor&) = delete;

 private:
  std::optional<std::string> m_old;
};

// What a reporter writing to a terminal makes of "ok" painted green.
std::string painted_on_terminal() {
  int master = -1, slave = -1;
  REQUIRE(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
  std::FILE* tty = ::fdopen(slave, "w");
  REQUIRE(tty);
  std::string out = Reporter(tty, tty).paint("green", "ok");
  std::fclose(tty);
  ::close(master);
  return out;
}

// The same into a pipe.
std::string painted_into_pipe() {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::FILE* pipe = ::fdopen(fds[1], "w");
  REQUIRE(pipe);
  std::string out = Reporter(pipe, pipe).paint("green", "ok");
  std::fclose(pipe);
  ::close(fds[0]);
  return out;
}

}  // namespace

TEST_CASE("a terminal gets color unless NO_COLOR holds a value", "[report][color]") {
  {
    NoColor unset(std::nullopt);
    CHECK(painted_on_terminal() == "\033[32mok\033[0m");
    CHECK(painted_into_pipe() == "ok");
  }
  {
    NoColor empty(std::string(""));  // present but empty: no-color.org says color stays on
    CHECK(painted_on_terminal() == "\033[32mok\033[0m");
  }
  {
    NoColor set(std::string("1"));
    CHECK(painted_on_terminal() == "ok");
    CHECK(painted_into_pipe() == "ok");
  }
}

TEST_CASE("color_wanted: a terminal, and NO_COLOR unset or empty", "[report][color]") {
  CHECK(color_wanted(true, nullptr));
  CHECK(color_wanted(true, ""));
  CHECK_FALSE(color_wanted(true, "1"));
  CHECK_FALSE(color_wanted(true, "false"));  // any value at all turns color off
  CHECK_FALSE(color_wanted(false, nullptr));
}
