#pragma once

// What runs on a host, as plain values: resources and facts build these, transports run them.
// Nothing here runs anything.

#include <chrono>
#include <string>
#include <vector>

namespace forja {

enum class Privilege { user, become };

// A command to run on a host: an argv (quoted by the transport, never by callers) and its stdin.
// The argv never travels as a remote command line: the transport sends it on stdin (see
// transport/remote_exec.hpp), so values in it are not visible in the host's process list.
struct Command {
  std::vector<std::string> argv;
  std::string input;
  Privilege privilege = Privilege::user;
  std::chrono::seconds timeout{0};  // 0: the transport's default
};

// Output and exit status of a command run on a host.
struct ExecResult {
  int exit_status = -1;
  std::string out;
  std::string err;
};

// A read-only command whose exit status and stdout describe the current state.
// Probes of all states of a host are sent together, in one round trip.
struct Probe {
  std::vector<std::string> argv;
};

// What a probe returned.
struct ProbeOutput {
  int exit_status = 0;
  std::string out;
};

// Where and how to write a file on a host.
struct UploadSpec {
  std::string path;
  std::string mode = "0644";
  std::string owner;  // empty: leave as created
  std::string group;  // empty: leave as created
  Privilege privilege = Privilege::user;
  std::vector<std::string> validate;  // argv run on the candidate first; "%s" = its path
  bool backup = false;                // keep the replaced file as PATH.forja-backup
};

// The command that writes `content` to spec.path atomically (pure): the content goes on stdin
// with its length and sha256; the host writes a temp file beside the target, checks both,
// sets mode and owner, validates, and only then renames it into place. A cut stream, a
// failed check or a failed validation leaves the live file untouched and no temp file behind.
[[nodiscard]] Command write_file_command(const UploadSpec& spec, std::string content);

}  // namespace forja
