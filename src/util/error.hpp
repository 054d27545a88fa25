#pragma once

#include <expected>
#include <string>
#include <utility>

namespace forja {

// Exit codes, one table for every subcommand (documented in README.md).
enum class ExitCode : int {
  ok = 0,              // success / converged
  failed = 1,          // some host failed (or a local operation failed)
  bad_input = 2,       // invalid command line, inventory, playbook or template
  unreachable = 3,     // some host could not be reached (and none failed otherwise)
  changes_pending = 4, // plan --exit-code: the plan is not empty
};

// What went wrong and which exit code it deserves.
struct Error {
  std::string message;
  ExitCode code = ExitCode::failed;
};

template <typename T>
using Result = std::expected<T, Error>;

// Build an unexpected Error; `return fail("...")` from any Result-returning function.
[[nodiscard]] inline std::unexpected<Error> fail(std::string message,
                                                 ExitCode code = ExitCode::failed) {
  return std::unexpected(Error{std::move(message), code});
}

// Same, for bad user input (exit code 2).
[[nodiscard]] inline std::unexpected<Error> bad_input(std::string message) {
  return std::unexpected(Error{std::move(message), ExitCode::bad_input});
}

}  // namespace forja
