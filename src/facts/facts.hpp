#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "resources/resource.hpp"
#include "transport/transport.hpp"

namespace forja {

// What forja knows about a host after one round trip.
struct HostFacts {
  std::string os_family;        // "debian", "redhat" or "unknown"
  std::string distribution;     // os-release ID: debian, ubuntu, centos, rocky, rhel, ...
  std::string version;          // os-release VERSION_ID: "12", "22.04", "7", "9.3"
  std::string pretty_name;      // "Debian GNU/Linux 12 (bookworm)"
  std::string package_manager;  // "apt", "dnf", "yum" or ""
  std::string init_system;      // "systemd" or "other"
  std::string python3;          // path, or "" when absent
  std::string hostname;
  std::string kernel;
  std::string architecture;
  std::vector<std::string> addresses;  // IPv4 addresses other than loopback, "a.b.c.d"

  [[nodiscard]] Platform platform() const;
  // All facts as a map, for templates ({{facts.os_family}}) and JSON.
  [[nodiscard]] YAML::Node to_yaml() const;
  // One line: "debian 12, apt, systemd".
  [[nodiscard]] std::string describe() const;
};

// The read-only script that prints every fact.
[[nodiscard]] const std::string& facts_script();

// Parse the script's output (pure; tested on recorded outputs of each distribution).
[[nodiscard]] HostFacts parse_facts(std::string_view output);

// Key=value pairs of an os-release file.
[[nodiscard]] std::map<std::string, std::string> parse_os_release(std::string_view text);

// "debian" / "redhat" / "unknown" from os-release's ID and ID_LIKE.
[[nodiscard]] std::string os_family_of(const std::string& id, const std::string& id_like);

// The package manager forja uses, from the os family and the package managers the host has
// (in the order apt, dnf, yum): the family's own first (dnf, else yum, on the redhat family;
// apt on the debian family), else the first one present. A host's name never decides: an
// rpm-family lab host is Debian underneath and still has apt-get.
[[nodiscard]] std::string choose_package_manager(const std::string& os_family,
                                                 const std::vector<std::string>& present);

// The facts script as a probe (so it can join a batch of probes).
[[nodiscard]] Probe facts_probe();

// Gather facts in one round trip.
[[nodiscard]] Result<HostFacts> gather_facts(Transport& transport);

// A map with every fact name and an empty value: stands in for facts when validating
// templates before any host is contacted.
[[nodiscard]] YAML::Node fact_stub();

}  // namespace forja
