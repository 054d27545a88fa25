#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/context.hpp"
#include "playbook/model.hpp"
#include "resources/resource.hpp"
#include "template/render.hpp"

namespace forja {

// One state of one host: its declaration, the resource built from it, and its current plan.
struct PlannedState {
  const StateDecl* decl = nullptr;
  std::string id;                         // rendered for this host: "user[microservices]"
  std::vector<std::string> notify, watch;  // rendered handler / state ids
  std::unique_ptr<Resource> resource;
  Change change;
  std::string error;                      // why it could not be planned ("" when it could)
  std::vector<std::string> requires_ids;  // explicit `require` plus implicit ones (owner, user…)
  bool is_handler = false;
  std::set<std::string> facts_read;  // the facts its arguments or template read ("*": all)
  std::chrono::seconds timeout{0};
  YAML::Node item{
      YAML::NodeType::Undefined};  // the loop item it was built for (Undefined: not looped)
};

// The states (in order) and handlers that apply to one host.
struct HostStates {
  std::vector<PlannedState> states;
  std::vector<PlannedState> handlers;
};

// Which declarations apply to a host (plays whose pattern matches it, in playbook order),
// filtered by tags (empty = all).
struct HostDecls {
  std::vector<const StateDecl*> states;
  std::vector<const StateDecl*> handlers;
};
[[nodiscard]] Result<HostDecls> select_decls(const Playbook& book, const Inventory& inventory,
                                             const Host& host,
                                             const std::vector<std::string>& tags);

// The hosts each play targets, in playbook order (each play's pattern matched once).
using PlayMembers = std::vector<std::set<const Host*>>;
// With `skipped`, a play whose pattern names only what this inventory lacks targets nothing and
// is named there with why (a "did you mean"), so that one playbook serves several inventories;
// without it, a name the inventory lacks is bad input. A malformed pattern is always bad input.
[[nodiscard]] Result<PlayMembers> play_members(const Playbook& book, const Inventory& inventory,
                                               std::vector<std::string>* skipped = nullptr);
// select_decls with the plays' hosts already matched.
[[nodiscard]] HostDecls select_decls(const Playbook& book, const PlayMembers& members,
                                     const Host& host, const std::vector<std::string>& tags);

// Render each declaration with the host's context and build its resource (validating argument
// types and values), then check what only the whole host shows: every notified handler is
// defined for the host, and no two states manage the same thing. Pure: no host I/O.
// A looped declaration becomes one state per item of its list, in order, each rendered with
// `item` and with its own id; a require or watch naming the loop's `id:` names every item.
// `shared` (may be null) holds what every host's templates see alike (`groups`).
[[nodiscard]] Result<HostStates> build_host_states(const HostDecls& decls,
                                                   const YAML::Node& context,
                                                   const std::string& host_name,
                                                   const SharedTemplateData* shared = nullptr);

// Build one declaration again (after the host's facts changed).
[[nodiscard]] Result<PlannedState> rebuild_state(const PlannedState& state,
                                                 const YAML::Node& context,
                                                 const SharedTemplateData* shared = nullptr);

// The states a host's state at `index` waits for (requires), transitively, that are changing.
[[nodiscard]] std::vector<std::string> changing_prerequisites(const HostStates& host,
                                                              std::size_t index);

}  // namespace forja
