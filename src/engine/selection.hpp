#pragma once

#include <string>
#include <vector>

#include "engine/host_plan.hpp"

namespace forja {

// What a run works on, decided before any host is contacted.
struct RunSelection {
  std::vector<const Host*> hosts;  // targeted by some play and within --limit, inventory order
  std::vector<HostDecls> decls;    // for each of `hosts`, its states (filtered by --tags)
  std::vector<std::string> notes;  // plays skipped because the inventory lacks their hosts
};

// The hosts and states of a run. Bad input, with a "did you mean" where one helps: a --limit
// that names nothing or leaves no targeted host, a --tags tag that no state has, tags that
// select no state on the chosen hosts, a playbook that targets no host at all.
[[nodiscard]] Result<RunSelection> select_run(const Playbook& book, const Inventory& inventory,
                                              const std::string& limit,
                                              const std::vector<std::string>& tags);

}  // namespace forja
