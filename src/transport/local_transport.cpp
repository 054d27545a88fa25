#include "transport/local_transport.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/shell.hpp"

extern char** environ;

namespace forja {

namespace {

// A child process with three pipes; the child leads its own process group, so a timeout can
// stop everything it started, and a Ctrl-C at the terminal does not reach it.
class LocalChannel final : public Channel {
 public:
  LocalChannel(pid_t pid, int in, int out, int err) : m_pid(pid), m_fd{in, out, err} {}
  ~LocalChannel() override {
    for (int& f : m_fd) close_fd(f);
    if (m_pid > 0) {
      ::kill(-m_pid, SIGKILL);
      reap();
    }
  }
  LocalChannel(const LocalChannel&) = delete;
  LocalChannel& operator=(const LocalChannel&) = delete;

  Result<void> write(std::string_view data) override {
    std::size_t written = 0;
    while (written < data.size()) {
      if (m_fd[0] < 0) return fail("local command closed its input");
      ssize_t n = ::write(m_fd[0], data.data() + written, data.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(std::string("writing to a local command: ") + std::strerror(errno));
      written += static_cast<std::size_t>(n);
    }
    return {};
  }

  Result<void> close_input() override {
    close_fd(m_fd[0]);
    return {};
  }

  Result<bool> read(std::string& out, std::string& err, std::chrono::milliseconds wait) override {
    pollfd fds[2];
    int n = 0;
    for (int i = 1; i <= 2; ++i)
      if (m_fd[i] >= 0) fds[n++] = {m_fd[i], POLLIN, 0};
    if (n == 0) return true;
    int ready = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(wait.count()));
    if (ready < 0 && errno != EINTR) return fail(std::string("poll: ") + std::strerror(errno));
    char buf[65536];
    for (int k = 0; k < n && ready > 0; ++k) {
      if (!fds[k].revents) continue;
      int i = fds[k].fd == m_fd[1] ? 1 : 2;
      ssize_t r = ::read(m_fd[i], buf, sizeof buf);
      if (r > 0) {
        (i == 1 ? out : err).append(buf, static_cast<std::size_t>(r));
      } else if (r == 0 || errno != EINTR) {
        close_fd(m_fd[i]);
      }
    }
    return m_fd[1] < 0 && m_fd[2] < 0;
  }

  int exit_status() override {
    reap();
    return m_status;
  }

  void abandon() override {
    if (m_pid > 0) ::kill(-m_pid, SIGKILL);
    for (int& f : m_fd) close_fd(f);
    reap();
  }

 private:
  static void close_fd(int& f) {
    if (f >= 0) ::close(f);
    f = -1;
  }
  void reap() {
    if (m_pid <= 0) return;
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    m_pid = -1;
  }

  pid_t m_pid;
  int m_fd[3];
  int m_status = -1;
};

}  // namespace

Result<std::unique_ptr<Channel>> LocalTransport::open(const std::vector<std::string>& argv) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return fail(std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return fail(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    ::close(err[0]);
    return fail("cannot run " + shell_join(argv) + ": " + std::strerror(rc));
  }
  return std::make_unique<LocalChannel>(pid, in[1], out[0], err[0]);
}

}  // namespace forja
