#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"
#include "util/source_location.hpp"

namespace forja {

// One machine as `vagrant ssh-config` describes it (a `Host` block).
struct VagrantMachine {
  std::string name;           // Host: the machine's name in the Vagrantfile
  std::string host_name;      // HostName
  int port = 22;              // Port
  std::string user;           // User
  std::string identity_file;  // the first IdentityFile
  // UserKnownHostsFile and StrictHostKeyChecking as given (in the block or a file it includes);
  // empty when not given.
  std::string known_hosts;
  std::string strict_host_keys;
  std::vector<std::string> includes;  // Include FILE lines, in order
  SourceLocation where;               // the Host line
};

// The machines of `vagrant ssh-config` output, in order. Keywords are case-insensitive and
// take `Keyword value` or `Keyword=value`, a value may be double-quoted; keywords forja does not
// use (PasswordAuthentication, LogLevel, ...) are skipped. Bad input, at origin:line:col: a
// keyword before any Host, a Host line with no name or several, a machine named twice, a block
// without HostName, a Port outside 1..65535, no machine at all.
[[nodiscard]] Result<std::vector<VagrantMachine>> parse_vagrant_ssh_config(std::string_view text,
                                                                           std::string_view origin);

// Take UserKnownHostsFile and StrictHostKeyChecking from the text of a file the machine's block
// includes (a provider's ssh_info `config`); values the block gave itself win, as in ssh.
[[nodiscard]] Result<void> apply_ssh_include(VagrantMachine& machine, std::string_view text,
                                             std::string_view origin);

// Whether the machine's host keys are checked against a file Vagrant named: a UserKnownHostsFile
// that is not /dev/null, with StrictHostKeyChecking yes (ssh's own default, "ask", counts too).
[[nodiscard]] bool names_checked_host_keys(const VagrantMachine& machine);

}  // namespace forja
