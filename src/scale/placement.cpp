#include "scale/placement.hpp"

#include <algorithm>

namespace forja {

namespace {

void add_port(Assignment& a, const std::string& host, int port) {
  auto& ports = a[host];
  if (std::ranges::find(ports, port) == ports.end()) ports.push_back(port);
  std::ranges::sort(ports);
}

void remove_port(Assignment& a, const std::string& host, int port) {
  auto it = a.find(host);
  if (it == a.end()) return;
  std::erase(it->second, port);
  if (it->second.empty()) a.erase(it);
}

std::size_t load(const Assignment& a, const std::string& host) {
  auto it = a.find(host);
  return it == a.end() ? 0 : it->second.size();
}

}  // namespace

Result<Placement> place(const PlacementInput& in) {
  Placement out;
  ScaleRecord& r = out.record;
  r.desired = in.desired;
  r.retired = in.current.retired;
  std::vector<std::string> live;
  for (const auto& h : in.hosts)
    if (!in.down.contains(h)) live.push_back(h);
  const auto retire = [&](const Replica& x) {
    remove_port(r.replicas, x.host, x.port);
    add_port(r.retired, x.host, x.port);
  };
  // Keep what runs on live hosts of the group; what ran elsewhere is lost.
  for (const auto& x : replica_list(in.current.replicas, in.hosts)) {
    if (std::ranges::find(live, x.host) != live.end()) {
      add_port(r.replicas, x.host, x.port);
    } else {
      out.lost.push_back(x);
      add_port(r.retired, x.host, x.port);
    }
  }
  if (in.desired > 0 && live.empty()) {
    return fail("no host of the group is up to run " + std::to_string(in.desired) + " replica(s)");
  }
  while (replica_count(r.replicas) > in.desired) {
    // The most loaded live host, the later one on ties; its highest port.
    std::string host;
    for (const auto& h : live)
      if (load(r.replicas, h) > 0 && load(r.replicas, h) >= load(r.replicas, host)) host = h;
    Replica x{host, r.replicas[host].back()};
    retire(x);
    if (std::erase(out.added, x) == 0) out.removed.push_back(x);
  }
  while (replica_count(r.replicas) < in.desired) {
    // The least loaded live host, the earlier one on ties; its lowest free port.
    std::string host = live.front();
    for (const auto& h : live)
      if (load(r.replicas, h) < load(r.replicas, host)) host = h;
    int port = in.first_port;
    while (r.replicas.contains(host) &&
           std::ranges::find(r.replicas[host], port) != r.replicas[host].end())
      ++port;
    add_port(r.replicas, host, port);
    remove_port(r.retired, host, port);
    out.added.push_back({host, port});
  }
  // A port that runs a replica again is no longer retired there.
  for (const auto& [h, ports] : r.replicas)
    for (int p : ports) remove_port(r.retired, h, p);
  return out;
}

}  // namespace forja
