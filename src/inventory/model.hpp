#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"
#include "util/source_location.hpp"

namespace forja {

// How to reach a host and become root on it; resolved from defaults, groups and the host entry.
struct Connection {
  std::string address;  // IP or DNS name; defaults to the host name
  int port = 22;
  std::string user;          // empty: ~/.ssh/config or the local user name
  std::string key_file;      // empty: ssh-agent, then ~/.ssh/config / default keys
  std::string known_hosts;   // empty: ~/.ssh/known_hosts
  std::string password_env;  // env var holding the SSH password (never the password)
  bool become = false;       // run privileged commands through sudo
  std::string become_user = "root";
  std::string become_password_env;  // env var holding the sudo password, when sudo asks one
  int connect_timeout = 10;         // seconds
};

// One managed host with its resolved connection, groups and variables.
struct Host {
  std::string name;
  Connection connection;
  std::vector<std::string> groups;  // "all", then every group it is in (ancestors too), outer first
  YAML::Node vars;                  // merged map: defaults < groups (outer first) < host
  SourceLocation where;
};

// A named group: direct member hosts and child groups.
struct Group {
  std::string name;
  std::vector<std::string> hosts;
  std::vector<std::string> children;
  YAML::Node vars;
  SourceLocation where;
};

// A fully resolved inventory.
struct Inventory {
  std::string path;
  std::vector<Host> hosts;               // in file order
  std::map<std::string, Group> groups;   // includes "all": root groups as children, ungrouped hosts
  std::vector<std::string> group_order;  // group names in file order, "all" first

  // The group called `name`, or nullptr.
  [[nodiscard]] const Group* find_group(std::string_view name) const;

  // Hosts matching a pattern: "all", a host or group name, globs ("web*"), unions ("a:b"),
  // intersections ("web:&centos") and exclusions ("all:!lb"). Unknown names are bad input;
  // with `unknown`, they match nothing instead and why is added there (with a "did you mean").
  [[nodiscard]] Result<std::vector<const Host*>> match(
      std::string_view pattern, std::vector<std::string>* unknown = nullptr) const;
  [[nodiscard]] const Host* find_host(std::string_view name) const;
};

}  // namespace forja
