#pragma once

// How a Command reaches a host. The remote command line is always the same small bootstrap
// (plus sudo and timeout around it); the command itself, with every value in it, travels on
// stdin as a shell script followed by the command's own input:
//
//     LENGTH\n SCRIPT \n#forja-end-NONCE  INPUT...
//
// The bootstrap reads exactly LENGTH bytes, refuses to run a script that arrived without its
// trailer (a cut stream runs nothing), and evaluates it in the same shell, so values are never
// in any process's argv. With a sudo password, the bootstrap first prints a ready marker; the
// password is sent only when sudo's own prompt (a random marker) appears on stderr, and the
// script only after the ready marker: the password can never reach a command's stdin.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "inventory/model.hpp"
#include "transport/channel.hpp"
#include "transport/command.hpp"
#include "util/error.hpp"

namespace forja {

// What a remote command needs after the timeout given to it, before forja stops waiting.
inline constexpr std::chrono::seconds k_timeout_grace{15};
// The timeout of a command that sets none (`timeout:` on a state overrides it).
inline constexpr std::chrono::seconds k_default_command_timeout{600};

// A command ready to start: the remote argv, what to send on stdin, and the markers of the
// sudo handshake (empty when there is none).
struct Invocation {
  std::vector<std::string> argv;
  std::string payload;
  std::string ready_marker;   // printed by the bootstrap once sudo let it run
  std::string prompt_marker;  // sudo's password prompt
  std::optional<std::string> password;
  std::string password_source;  // "$VAR", for messages (never the password)
  std::chrono::seconds timeout{0};
};

// The shell script that runs argv: `sh -c SCRIPT NAME ARGS...` becomes `set -- ARGS` + SCRIPT
// (the arguments live in the shell's positional parameters, not in a process's argv); any
// other argv is exec'd as quoted words.
[[nodiscard]] std::string script_for(const std::vector<std::string>& argv);

// Build the invocation of `command` on a host with `connection`'s become settings. `nonce` makes
// the markers unique (random in production, fixed in tests). The sudo password is read from
// the environment variable the inventory names; an unset variable is bad input.
[[nodiscard]] Result<Invocation> prepare_invocation(const Command& command,
                                                    const Connection& connection,
                                                    const std::string& nonce);

// Run an invocation on a started channel: the sudo handshake, the payload, then everything the
// command prints, until it ends or its timeout (plus grace) passes.
[[nodiscard]] Result<ExecResult> drive_invocation(Channel& channel, const Invocation& invocation);

// A fresh random nonce (hex).
[[nodiscard]] std::string random_nonce();

}  // namespace forja
