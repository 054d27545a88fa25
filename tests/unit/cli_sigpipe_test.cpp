#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <string>

// Runs the real forja binary with its standard output a pipe nobody reads.
TEST_CASE("forja is not killed by SIGPIPE when its output pipe is closed", "[cli][signals]") {
  const std::string inventory = std::string(FORJA_TEST_DATA) + "/inventory/example.yml";
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);  // no reader: the first write raises SIGPIPE unless it is ignored
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGPIPE, SIG_DFL);  // as a shell would start it, whatever the test runner does
    ::dup2(fds[1], 1);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 2);
    ::execl(FORJA_BINARY, FORJA_BINARY, "inventory", "-i", inventory.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  INFO("wait status " << status);
  CHECK_FALSE(WIFSIGNALED(status));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) != 127);
}
