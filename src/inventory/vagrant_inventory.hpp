#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "inventory/vagrant_ssh_config.hpp"
#include "util/error.hpp"

namespace forja {

// An inventory for Vagrant's machines (`forja inventory --from-vagrant`): the topology's groups,
// vars and settings, with each host's connection taken from `vagrant ssh-config`.
struct VagrantInventory {
  std::string text;                // forja YAML inventory
  std::vector<std::string> notes;  // what the user should know (host keys, addresses)
};

// Where host keys go for machines whose ssh-config names no known_hosts file.
struct VagrantInventoryOptions {
  std::string known_hosts;  // an absolute path
};

// The topology (forja's YAML inventory, `topology_text` read from `topology_path`) names one
// host per machine. Each host gets HostName, Port, User and IdentityFile, and the known_hosts
// file ssh-config names when it checks host keys (names_checked_host_keys), else
// options.known_hosts. A machine reached on a loopback HostName (a port forwarded by
// VirtualBox's NAT) keeps the topology's address, on port 22, when the topology gives one: the
// other machines must reach the address templates use. Bad input: a topology that is not a
// valid forja YAML inventory, a host without a machine, a machine without a host.
[[nodiscard]] Result<VagrantInventory> vagrant_inventory(
    const std::string& topology_path, std::string_view topology_text,
    const std::vector<VagrantMachine>& machines, const VagrantInventoryOptions& options);

}  // namespace forja
