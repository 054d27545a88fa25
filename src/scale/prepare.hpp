#pragma once

#include "inventory/model.hpp"
#include "playbook/model.hpp"
#include "util/error.hpp"

namespace forja {

// Whether plan/apply may write a re-placement to the store (apply) or only show it (plan).
enum class StoreWrite { no, yes };

// Before plan or apply: read each scaled service's record from its store, re-place the
// replicas of hosts that are down (written back by apply, check-and-set), and inject each
// host's replicas (inject_replicas). When the store does not answer, the playbook's default
// shape is used with a warning and nothing is written (a fresh topology has no store yet).
[[nodiscard]] Result<void> place_scaled_replicas(const Playbook& book, Inventory& inventory,
                                                 StoreWrite write);

}  // namespace forja
