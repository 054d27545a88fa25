#include "lab/machine.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "lab/cgroup.hpp"
#include "lab/files.hpp"
#include "lab/network.hpp"
#include "lab/rpm_files.hpp"
#include "lab/rpm_image.hpp"
#include "lab/tools.hpp"
#include "util/text.hpp"

extern char** environ;

namespace forja::lab {

namespace fs = std::filesystem;

namespace {

// argv of a process, or empty when it is gone.
std::vector<std::string> process_argv(int pid) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  if (!text || text->empty()) return {};
  auto args = split(*text, '\0');
  if (!args.empty() && args.back().empty()) args.pop_back();
  return args;
}

bool is_zombie_or_gone(int pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  auto close = stat->rfind(')');
  return close == std::string::npos || close + 2 >= stat->size() || (*stat)[close + 2] == 'Z' ||
         (*stat)[close + 2] == 'X';
}

// The lab host index named by an nspawn argv ("--machine=labN"), or 0.
int nspawn_host_index(const std::vector<std::string>& argv) {
  if (argv.empty() || fs::path(argv.front()).filename() != "systemd-nspawn") return 0;
  for (const auto& a : argv) {
    if (!a.starts_with("--machine=")) continue;
    if (auto i = host_index(std::string_view(a).substr(10))) return *i;
  }
  return 0;
}

int connect_with_timeout(const std::string& address, std::chrono::milliseconds timeout) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(22);
  if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) return -1;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  pollfd p{fd, POLLOUT, 0};
  int err = 0;
  socklen_t len = sizeof err;
  if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1 ||
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::vector<std::string> nspawn_argv(const LabPaths& paths, const PlannedHost& host) {
  bool rpm = host.kind == HostKind::rpm;
  auto image = rpm ? rpm_paths(paths).root() : paths.base();
  std::vector<std::string> argv = {
      "systemd-nspawn",
      "--quiet",
      "--directory=" + image.string(),
      "--volatile=overlay",
      "--register=no",
      "--keep-unit",
      "--capability=CAP_NET_ADMIN",
      "--network-namespace-path=/run/netns/" + host.name,
      "--machine=" + host.name,
      "--hostname=" + host.name,
      "--resolv-conf=off",
      "--timezone=off",
      "--link-journal=no",
      "--console=read-only",
      "--bind-ro=" + paths.repo().string() + ":" + std::string(k_repo_mount),
      "--bind-ro=" + paths.host_ssh_dir(host.name).string() + ":" + std::string(k_host_ssh_dir)};
  if (rpm) {
    argv.push_back("--bind-ro=" + rpm_paths(paths).repo().string() + ":" +
                   std::string(k_rpm_repo_mount));
  }
  argv.emplace_back("--boot");
  return argv;
}

HostKind host_process_kind(const LabPaths& paths, int pid) {
  auto rpm_image = "--directory=" + rpm_paths(paths).root().string();
  for (const auto& a : process_argv(pid))
    if (a == rpm_image) return HostKind::rpm;
  return HostKind::debian;
}

Result<int> boot_host(const LabPaths& paths, const PlannedHost& host) {
  auto log = paths.host_log(host.name);
  if (auto m = make_dirs(log.parent_path()); !m) return std::unexpected(m.error());
  auto cgroups = create_host_cgroups(host);
  if (!cgroups) return std::unexpected(cgroups.error());
  auto argv = nspawn_argv(paths, host);
  auto program = find_program(argv.front());
  if (program.empty()) return fail("systemd-nspawn is missing: apt-get install systemd-container");

  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    if (!std::string_view(*e).starts_with("SYSTEMD_NSPAWN_LOCK=")) env_strings.emplace_back(*e);
  }
  env_strings.emplace_back("SYSTEMD_NSPAWN_LOCK=0");  // hosts share one base directory
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const std::string log_path = log.string();
  static constexpr char k_cgroup_error[] = "forja lab: cannot join the host's cgroup\n";

  // A close-on-exec pipe tells when the child has become systemd-nspawn (EOF) or why not.
  int status_pipe[2];
  if (::pipe2(status_pipe, O_CLOEXEC) != 0)
    return fail(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(status_pipe[0]);
    ::close(status_pipe[1]);
    return fail(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(status_pipe[0]);
    ::setsid();
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    for (const auto& procs : *cgroups) {
      int fd = ::open(procs.c_str(), O_WRONLY);
      if (fd < 0 || ::write(fd, "0", 1) != 1) {
        int err = errno;
        (void)!::write(2, k_cgroup_error, sizeof k_cgroup_error - 1);
        (void)!::write(status_pipe[1], &err, sizeof err);
        ::_exit(126);
      }
      ::close(fd);
    }
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // The host outlives this process: it must not keep whatever descriptors forja was given
    // (a lock held by the caller's flock(1), a pipe of the terminal that started it).
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    ::execve(program.c_str(), args.data(), envp.data());
    int err = errno;
    (void)!::write(status_pipe[1], &err, sizeof err);
    ::_exit(127);
  }
  ::close(status_pipe[1]);
  int child_errno = 0;
  ssize_t n;
  while ((n = ::read(status_pipe[0], &child_errno, sizeof child_errno)) < 0 && errno == EINTR) {
  }
  ::close(status_pipe[0]);
  if (n > 0) {
    return fail(host.name + ": cannot start systemd-nspawn (" + std::strerror(child_errno) +
                "); see " + log_path);
  }
  return static_cast<int>(pid);
}

bool host_process_alive(int pid, const PlannedHost& host) {
  if (pid <= 0 || is_zombie_or_gone(pid)) return false;
  return nspawn_host_index(process_argv(pid)) == host.index;
}

std::map<int, int> find_host_processes() {
  std::map<int, int> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    auto name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    int pid = std::stoi(name);
    int index = nspawn_host_index(process_argv(pid));
    if (index > 0 && !is_zombie_or_gone(pid)) found[index] = pid;
  }
  return found;
}

void stop_host_processes(const std::map<int, int>& pids, std::chrono::seconds grace) {
  for (const auto& [index, pid] : pids) {
    if (host_process_alive(pid, planned_host(index))) ::kill(pid, SIGTERM);
  }
  auto deadline = std::chrono::steady_clock::now() + grace;
  auto any_alive = [&] {
    for (const auto& [index, pid] : pids) {
      if (host_process_alive(pid, planned_host(index))) return true;
    }
    return false;
  };
  while (any_alive() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Whatever is left: the nspawn, and every process in the host's namespace (its init and
  // all below it; killing a PID namespace's init kills the namespace).
  for (int round = 0; round < 50; ++round) {
    bool left = false;
    for (const auto& [index, pid] : pids) {
      auto host = planned_host(index);
      if (host_process_alive(pid, host)) {
        ::kill(pid, SIGKILL);
        left = true;
      }
      for (int p : netns_pids(host)) {
        ::kill(p, SIGKILL);
        left = true;
      }
    }
    if (!left) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

bool ssh_answers(const std::string& address, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int fd = connect_with_timeout(address, timeout);
  if (fd < 0) return false;
  std::string banner;
  char buf[256];
  while (banner.size() < 4) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) break;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    banner.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return banner.starts_with("SSH-");
}

}  // namespace forja::lab
