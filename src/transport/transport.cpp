#include "transport/transport.hpp"

#include <cstdlib>

#include "util/shell.hpp"

namespace forja {

Result<Command> apply_become(const Command& command, const Connection& connection) {
  if (command.privilege == Privilege::user || !connection.become) return command;
  Command wrapped;
  wrapped.privilege = Privilege::user;
  if (connection.become_password_env.empty()) {
    wrapped.argv = {"sudo", "-n", "-H", "-u", connection.become_user, "--"};
    wrapped.input = command.input;
  } else {
    const char* password = std::getenv(connection.become_password_env.c_str());
    if (!password) {
      return bad_input("sudo password variable $" + connection.become_password_env +
                       " is not set in the environment");
    }
    // -S reads the password from stdin; sudo reads it byte by byte, so the rest of stdin
    // reaches the command untouched. -p '' keeps the prompt out of stderr.
    wrapped.argv = {"sudo", "-S", "-p", "", "-H", "-u", connection.become_user, "--"};
    wrapped.input = std::string(password) + "\n" + command.input;
  }
  wrapped.argv.insert(wrapped.argv.end(), command.argv.begin(), command.argv.end());
  return wrapped;
}

std::vector<std::string> atomic_write_argv(const UploadSpec& spec) {
  // $1 = destination, $2 = mode, $3 = owner, $4 = group, $5 = validate command, $6 = backup.
  // The temp file lives in the same directory so the final mv is an atomic rename(2) on the
  // same filesystem; on any failure the temp file is removed and the live file is untouched.
  static const char* k_script =
      "set -e; dest=$1; dir=$(dirname \"$dest\"); base=$(basename \"$dest\");"
      " tmp=$(mktemp \"$dir/.$base.forja-XXXXXX\"); trap 'rm -f \"$tmp\"' EXIT;"
      " cat > \"$tmp\"; chmod \"$2\" \"$tmp\";"
      " if [ -n \"$3\" ]; then chown \"$3\" \"$tmp\"; fi;"
      " if [ -n \"$4\" ]; then chgrp \"$4\" \"$tmp\"; fi;"
      " if [ -n \"$5\" ]; then check=$(printf '%s' \"$5\" | sed \"s|%s|$tmp|g\");"
      " if ! out=$(sh -c \"$check\" 2>&1); then echo \"validation failed: $5\" >&2;"
      " printf '%s\\n' \"$out\" | tail -n 20 >&2; exit 65; fi; fi;"
      " if [ \"$6\" = 1 ] && [ -f \"$dest\" ]; then cp -p \"$dest\" \"$dest.forja-backup\"; fi;"
      " mv -f \"$tmp\" \"$dest\"; trap - EXIT";
  return {"sh",       "-c",         k_script,     "forja-write", spec.path,
          spec.mode,  spec.owner,   spec.group,   spec.validate, spec.backup ? "1" : "0"};
}

Result<ExecResult> Transport::exec(const Command& command) {
  auto wrapped = apply_become(command, m_connection);
  if (!wrapped) return std::unexpected(wrapped.error());
  return exec_raw(wrapped->argv, wrapped->input);
}

Result<void> Transport::upload(std::string_view content, const UploadSpec& spec) {
  Command write{atomic_write_argv(spec), std::string(content), spec.privilege};
  auto result = exec(write);
  if (!result) return std::unexpected(result.error());
  if (result->exit_status != 0) {
    return fail("writing " + spec.path + " failed (exit " + std::to_string(result->exit_status) +
                "): " + result->err);
  }
  return {};
}

}  // namespace forja
