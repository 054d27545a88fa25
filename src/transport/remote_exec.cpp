#include "transport/remote_exec.hpp"

#include <cstdlib>
#include <random>

#include <fmt/format.h>

#include "util/shell.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

using Clock = std::chrono::steady_clock;

// The remote command line's script: $1 = the trailer that ends a complete script, $2 = the
// ready marker to print first ("" for none). One line, plain POSIX sh: it runs under whatever
// login shell the user has (which only has to pass single-quoted words through).
constexpr const char* k_bootstrap =
    "[ -z \"$2\" ] || printf '%s\\n' \"$2\"; "
    "IFS= read -r forja_n || exit 125; forja_s=$(head -c \"$forja_n\"); "
    "case $forja_s in *\"$1\") ;; *) echo 'forja: the command arrived cut short; nothing was run' >&2; "
    "exit 125;; esac; eval \"$forja_s\"";

constexpr int k_timeout_exit = 124;  // timeout(1)'s exit status when it stopped the command

std::string shell_words(const std::vector<std::string>& argv, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < argv.size(); ++i) out += " " + shell_quote(argv[i]);
  return out;
}

}  // namespace

std::string random_nonce() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^
                                          (static_cast<std::uint64_t>(std::random_device{}()) << 32)};
  return fmt::format("{:016x}{:016x}", rng(), rng());
}

std::string script_for(const std::vector<std::string>& argv) {
  if (argv.size() >= 3 && argv[0] == "sh" && argv[1] == "-c") {
    return "set --" + shell_words(argv, 4) + "\n" + argv[2];
  }
  return "exec" + shell_words(argv, 0);
}

Result<Invocation> prepare_invocation(const Command& command, const Connection& connection,
                                      const std::string& nonce) {
  Invocation inv;
  inv.timeout = command.timeout.count() > 0 ? command.timeout : k_default_command_timeout;
  const std::string trailer = "#forja-end-" + nonce;
  bool become = command.privilege == Privilege::become && connection.become;
  if (become) {
    inv.ready_marker = "forja-ready-" + nonce;
    if (connection.become_password_env.empty()) {
      inv.argv = {"sudo", "-n", "-H", "-u", connection.become_user, "--"};
    } else {
      const char* password = std::getenv(connection.become_password_env.c_str());
      if (!password) {
        return bad_input("sudo password variable $" + connection.become_password_env +
                         " is not set in the environment");
      }
      inv.password = password;
      inv.password_source = "$" + connection.become_password_env;
      inv.prompt_marker = "forja-sudo-prompt-" + nonce + ":";
      inv.argv = {"sudo", "-S", "-p", inv.prompt_marker, "-H", "-u", connection.become_user, "--"};
    }
  }
  for (const char* word : {"timeout", "-k", "5"}) inv.argv.emplace_back(word);
  inv.argv.push_back(std::to_string(inv.timeout.count()));
  for (const char* word : {"sh", "-c", k_bootstrap, "forja"}) inv.argv.emplace_back(word);
  inv.argv.push_back(trailer);
  inv.argv.push_back(inv.ready_marker);
  std::string script = script_for(command.argv) + "\n" + trailer;
  inv.payload = std::to_string(script.size()) + "\n" + script + command.input;
  return inv;
}

Result<ExecResult> drive_invocation(Channel& channel, const Invocation& inv) {
  const auto started = Clock::now();
  const auto deadline = started + inv.timeout + k_timeout_grace;
  ExecResult result;
  // With a password, nothing but the password (and only after sudo's prompt) is sent until
  // the bootstrap says it runs; otherwise the payload goes at once.
  bool wait_for_ready = inv.password.has_value();
  bool ready = inv.ready_marker.empty();
  bool password_sent = false;
  auto send_payload = [&]() -> Result<void> {
    if (auto w = channel.write(inv.payload); !w) return w;
    return channel.close_input();
  };
  if (!wait_for_ready) {
    if (auto s = send_payload(); !s) return std::unexpected(s.error());
  }
  const std::string ready_line = inv.ready_marker + "\n";
  while (true) {
    auto now = Clock::now();
    if (now >= deadline) {
      channel.abandon();
      return fail(fmt::format("timed out after {} s{}", inv.timeout.count(),
                              ready ? "" : " (sudo never let the command start)"));
    }
    auto wait = std::min<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
        std::chrono::milliseconds(500));
    auto finished = channel.read(result.out, result.err, wait);
    if (!finished) return std::unexpected(finished.error());
    if (!ready) {
      if (auto pos = result.out.find(ready_line); pos != std::string::npos) {
        result.out.erase(0, pos + ready_line.size());
        ready = true;
        if (wait_for_ready) {
          if (auto s = send_payload(); !s) return std::unexpected(s.error());
        }
      } else if (auto p = inv.prompt_marker.empty() ? std::string::npos
                                                    : result.err.find(inv.prompt_marker);
                 p != std::string::npos) {
        result.err.erase(p, inv.prompt_marker.size());
        if (password_sent) {
          channel.abandon();
          return fail("sudo did not accept the password from " + inv.password_source,
                      ExitCode::unreachable);
        }
        if (auto w = channel.write(*inv.password + "\n"); !w) return std::unexpected(w.error());
        password_sent = true;
      }
    }
    if (*finished) break;
  }
  result.exit_status = channel.exit_status();
  if (!ready) {
    std::string why = last_lines(result.err, 3);
    if (why.find("password is required") != std::string::npos) {
      why += " (sudo asks this user for a password: set become_password_env in the inventory)";
    }
    return fail("sudo refused to run the command" + (why.empty() ? "" : ": " + why),
                ExitCode::unreachable);
  }
  if (result.exit_status == k_timeout_exit && Clock::now() - started >= inv.timeout) {
    return fail(fmt::format("timed out after {} s; the command was stopped", inv.timeout.count()));
  }
  return result;
}

}  // namespace forja
