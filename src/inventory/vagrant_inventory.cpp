#include "inventory/vagrant_inventory.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "inventory/load.hpp"
#include "util/text.hpp"
#include "util/yaml.hpp"

namespace forja {

namespace {

bool loopback(std::string_view address) {
  return address.starts_with("127.") || address == "localhost" || address == "::1";
}

std::vector<std::string> names_of(const std::vector<VagrantMachine>& machines) {
  std::vector<std::string> names;
  for (const auto& m : machines) names.push_back(m.name);
  return names;
}

}  // namespace

Result<VagrantInventory> vagrant_inventory(const std::string& topology_path,
                                           std::string_view topology_text,
                                           const std::vector<VagrantMachine>& machines,
                                           const VagrantInventoryOptions& options) {
  auto doc = parse_yaml(topology_path, topology_text);
  if (!doc) return std::unexpected(doc.error());
  if (!doc->root().IsMap() || is_ansible_yaml(doc->root())) {
    return bad_input(topology_path +
                     ": the topology must be forja's YAML inventory (hosts:, groups:), with one "
                     "host per Vagrant machine");
  }
  auto topology = parse_yaml_inventory(topology_path, topology_text);
  if (!topology) return std::unexpected(topology.error());

  const auto machine_names = names_of(machines);
  for (const auto& host : topology->hosts) {
    if (std::ranges::find(machine_names, host.name) == machine_names.end()) {
      return located_error(host.where,
                           "host '" + host.name + "' is no machine of `vagrant ssh-config`" +
                               did_you_mean(host.name, machine_names) +
                               " (machines: " + join(machine_names) + ")",
                           doc->lines());
    }
  }
  std::vector<std::string> unplaced;
  for (const auto& m : machines) {
    if (!topology->find_host(m.name)) unplaced.push_back(m.name);
  }
  if (!unplaced.empty()) {
    return bad_input(topology_path + ": " + (unplaced.size() == 1 ? "machine " : "machines ") +
                     join(unplaced) +
                     " of `vagrant ssh-config` in no host of the topology: add each under "
                     "hosts: and to its groups");
  }

  VagrantInventory out;
  YAML::Node root = YAML::Clone(doc->root());
  YAML::Node hosts = root["hosts"];
  std::vector<std::string> recorded, forwarded;
  for (const auto& m : machines) {
    YAML::Node entry = hosts[m.name];
    const YAML::Node topology_address = lookup(entry, "address");
    if (!entry.IsMap()) entry = YAML::Node(YAML::NodeType::Map);
    std::string address = m.host_name;
    int port = m.port;
    if (loopback(m.host_name) && topology_address.IsDefined()) {
      address = topology_address.Scalar();
      port = 22;
      forwarded.push_back(m.name + " " + address);
    }
    entry["address"] = address;
    entry["port"] = std::to_string(port);
    if (!m.user.empty()) entry["user"] = m.user;
    if (!m.identity_file.empty()) entry["key"] = m.identity_file;
    if (names_checked_host_keys(m)) {
      entry["known_hosts"] = m.known_hosts;
    } else {
      entry["known_hosts"] = options.known_hosts;
      recorded.push_back(m.name);
    }
    hosts[m.name] = entry;
  }
  if (!forwarded.empty()) {
    out.notes.push_back(
        "vagrant ssh-config reaches these machines through a port forwarded on this machine "
        "(HostName 127.0.0.1), an address the other machines cannot use; forja connects to "
        "their topology address on port 22 instead: " +
        join(forwarded));
  }
  if (!recorded.empty()) {
    out.notes.push_back(
        "vagrant ssh-config names no known_hosts file for " + join(recorded) +
        " (UserKnownHostsFile /dev/null): their host keys are kept in " + options.known_hosts +
        "; the first run records them with --accept-new-host-keys, after that a changed key "
        "stops the run");
  }
  YAML::Emitter emitter;
  emitter << root;
  out.text = "# Written by forja inventory --from-vagrant from " + topology_path +
             " and `vagrant ssh-config`; written again on every run, edit the topology.\n" +
             std::string(emitter.c_str()) + "\n";
  return out;
}

}  // namespace forja
