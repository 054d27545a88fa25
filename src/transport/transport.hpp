#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "inventory/model.hpp"
#include "util/error.hpp"

namespace forja {

// Output and exit status of a command run on a host.
struct ExecResult {
  int exit_status = -1;
  std::string out;
  std::string err;
};

enum class Privilege { user, become };

// A command to run on a host: an argv (quoted by the transport, never by callers) and its stdin.
struct Command {
  std::vector<std::string> argv;
  std::string input;
  Privilege privilege = Privilege::user;
};

// Where and how to write a file on a host.
struct UploadSpec {
  std::string path;
  std::string mode = "0644";
  std::string owner;  // empty: leave as created
  std::string group;  // empty: leave as created
  Privilege privilege = Privilege::user;
  std::string validate;  // shell command run on the candidate first; %s = its path
  bool backup = false;   // keep the replaced file as PATH.forja-backup
};

// A connection to one host. Owned and used by one thread at a time.
class Transport {
 public:
  explicit Transport(Connection connection) : m_connection(std::move(connection)) {}
  virtual ~Transport() = default;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Open the connection (verifying the host's identity). Idempotent.
  [[nodiscard]] virtual Result<void> connect() = 0;

  // Run argv exactly as given (no sudo), feeding `input` to its stdin.
  // Fails only when the transport itself fails; a non-zero exit is a normal result.
  [[nodiscard]] virtual Result<ExecResult> exec_raw(const std::vector<std::string>& argv,
                                                    std::string_view input) = 0;

  // Run a command, through sudo when it asks for Privilege::become and the host is set to become.
  [[nodiscard]] Result<ExecResult> exec(const Command& command);

  // Write content to spec.path atomically: a temp file beside it, mode/owner set, then rename.
  [[nodiscard]] Result<void> upload(std::string_view content, const UploadSpec& spec);

  [[nodiscard]] const Connection& connection() const { return m_connection; }

 protected:
  Connection m_connection;
};

// The argv and stdin that run `command` with the host's become settings applied (pure).
[[nodiscard]] Result<Command> apply_become(const Command& command, const Connection& connection);

// The shell script (argv for `sh -c`) that atomically installs stdin as spec.path (pure).
[[nodiscard]] std::vector<std::string> atomic_write_argv(const UploadSpec& spec);

}  // namespace forja
