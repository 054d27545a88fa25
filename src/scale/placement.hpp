#pragma once

#include <set>
#include <string>
#include <vector>

#include "scale/record.hpp"
#include "util/error.hpp"

namespace forja {

// What placement works from: the group's hosts (inventory order), the ones that are down, the
// first port, the count wanted, and the record as stored (or default_record).
struct PlacementInput {
  std::vector<std::string> hosts;
  std::set<std::string> down;
  int first_port = 0;
  int desired = 0;
  ScaleRecord current;
};

// The record to store and what changes: replicas to start, replicas to drain (on live hosts),
// and replicas lost with their host (down, or no longer in the group), replaced elsewhere.
struct Placement {
  ScaleRecord record;
  std::vector<Replica> added;
  std::vector<Replica> removed;
  std::vector<Replica> lost;
  [[nodiscard]] bool changes(const ScaleRecord& stored) const { return record != stored; }
};

// Deterministic placement (pure). Replicas on down hosts, or on hosts no longer in the group,
// are retired and replaced. Above the count, a replica is drained from the live host with the
// most (ties: the later host in inventory order), its highest port first. Below it, a replica
// goes to the live host with the fewest (a host with none first; ties: the earlier host), on
// its lowest free port from `first_port` (another unit instance, microservice@5001). A host
// that comes back gets nothing back by itself: what it ran is retired (drained by the next run),
// and it is the first to receive the next replica placed. Fails when replicas are wanted and
// no host of the group is up.
[[nodiscard]] Result<Placement> place(const PlacementInput& input);

}  // namespace forja
