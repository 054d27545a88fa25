#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "inventory/model.hpp"
#include "resources/args.hpp"
#include "transport/command.hpp"
#include "util/error.hpp"

namespace forja {

// What a resource needs to know about the host's platform (filled from gathered facts).
struct Platform {
  std::string os_family;        // "debian" or "redhat"
  std::string distribution;     // "debian", "ubuntu", "centos", "rocky", ...
  std::string version;          // "12", "22.04", "7", "9"
  std::string package_manager;  // "apt", "dnf" or "yum"
  std::string init_system;      // "systemd" or "other"
};

enum class ChangeKind {
  none,     // converged: nothing to do
  change,   // commands will run
  unknown,  // cannot be known before an earlier change is applied
};

// The plan for one state on one host: what differs and the commands that fix it.
struct Change {
  ChangeKind kind = ChangeKind::none;
  std::string summary;            // what will change ("install haproxy") or why not ("installed 2.6.12")
  std::vector<Command> commands;  // run in order, each must exit 0
  std::string diff;               // unified diff of file content, if any
  // Package states: this state's share of the host's one package transaction (the plan's
  // to-do, nothing else), and every package a removal takes along (its own names first).
  std::vector<std::string> install;
  bool refresh_index = false;
  std::vector<std::string> removes;
  // What applying it (re)starts fresh ("service nginx"): a handler that would restart the same
  // thing afterwards has nothing left to do.
  std::vector<std::string> refreshes;
};

// One declared state, validated: knows its probes and how to turn their output into a Change.
// Implementations are pure: no I/O, no dry-run flag; the engine decides what runs.
class Resource {
 public:
  virtual ~Resource() = default;
  // The probes whose outputs plan() receives, in the same order.
  [[nodiscard]] virtual std::vector<Probe> probes(const Platform& platform) const = 0;
  // The same probes when reading the state back after a change (a service waits there to see
  // that it stays up); plan() reads their outputs the same way.
  [[nodiscard]] virtual std::vector<Probe> probes_after_change(const Platform& platform) const {
    return probes(platform);
  }
  // Desired state vs probe outputs.
  [[nodiscard]] virtual Result<Change> plan(const std::vector<ProbeOutput>& outputs,
                                            const Platform& platform) const = 0;
  // Packages this state declares present (implicit requisites of services; removals that
  // would take one of them along are refused).
  [[nodiscard]] virtual std::vector<std::string> packages_to_install() const { return {}; }
  // What this state manages on the host ("path /etc/motd", "user app"): two states of one
  // host may not manage the same thing, or every apply would undo the other.
  [[nodiscard]] virtual std::vector<std::string> manages() const { return {}; }
  // What this resource refreshes when used as a handler ("service nginx"), or "".
  [[nodiscard]] virtual std::string refreshes() const { return {}; }
  // The facts applying it can change ("hostname", "python3"; "*" for any).
  [[nodiscard]] virtual std::vector<std::string> facts_it_may_change() const { return {}; }
  // Whether planning again after apply must find nothing to do (false for unguarded commands
  // and handler actions such as restart, which by definition run every time they are asked).
  [[nodiscard]] virtual bool converges() const { return true; }
};

// What building a resource may use besides its arguments: the host's variables (for
// templates) and the directory relative paths (source:, src:) resolve against.
struct BuildContext {
  YAML::Node vars;       // the host's template context
  std::string base_dir;  // the directory of the file that declared the state
  std::set<std::string>* used_names = nullptr;  // collects every variable a template looked up
};

// A resource type: its name, the arguments it accepts, and how to build one from arguments.
struct ResourceType {
  std::string name;
  std::string help;
  std::vector<ArgSpec> args;  // the state's own arguments (common ones are handled by the loader)
  std::function<Result<std::unique_ptr<Resource>>(const Args&, const BuildContext&)> make;
};

// Every resource type, by name.
[[nodiscard]] const std::vector<ResourceType>& resource_types();
[[nodiscard]] const ResourceType* find_resource_type(std::string_view name);

}  // namespace forja
