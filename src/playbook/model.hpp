#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "inventory/model.hpp"

namespace forja {

// One declared state (or handler) as written, before rendering for a host.
struct StateDecl {
  std::string type;                  // resource type: "package", "file", ...
  std::string id;                    // "type[name]" unless given with `id:`
  YAML::Node node;                   // the whole mapping, as written
  std::vector<std::string> require;  // ids of states that must succeed first
  std::vector<std::string> notify;   // handler ids to run when this state changes
  std::vector<std::string> watch;    // (handlers) state ids whose change triggers this handler
  std::vector<std::string> tags;
  int timeout = 0;                   // seconds each of its commands may take; 0: the default
  std::string base_dir;              // directory of the declaring file (for relative paths)
  SourceLocation where;
  // `loop:` (Undefined without one): a list, or a string naming one variable that holds a list.
  // The state is built once per item, with the item as `{{item}}`.
  YAML::Node loop{YAML::NodeType::Undefined};
  std::string loop_id;                // a looped state's `id:` that names all its items at once
  std::vector<std::string> item_ids;  // its items' ids when the load can tell (a literal list)
};

// A play: which hosts get which states.
struct Play {
  std::string name;
  std::string hosts;  // inventory pattern
  std::vector<StateDecl> states;
  std::vector<StateDecl> handlers;
  SourceLocation where;
};

// A probe declared under `verify:` (checked by `forja verify`).
struct VerifyDecl {
  std::string type;
  YAML::Node node;
  SourceLocation where;
};

// A whole playbook: plays in order, playbook-level vars, verify probes.
struct Playbook {
  std::string path;
  std::string dir;  // directory of the playbook file
  YAML::Node vars;  // lowest-precedence variables
  YAML::Node extra_vars;             // from the command line (-e): above every other variable
  std::vector<std::string> secrets;  // variable names whose values are never printed
  std::vector<Play> plays;
  std::vector<VerifyDecl> verify;
};

// Keys every state accepts besides its type's own arguments.
[[nodiscard]] const std::vector<std::string>& common_state_keys();

}  // namespace forja
