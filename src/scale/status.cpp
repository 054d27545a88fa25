#include "scale/status.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace forja {

int ServiceStatus::running() const {
  return static_cast<int>(
      std::ranges::count_if(replicas, [](const auto& r) { return r.registered; }));
}

int ServiceStatus::healthy() const {
  return static_cast<int>(std::ranges::count_if(
      replicas, [](const auto& r) { return r.registered && r.health == Health::passing; }));
}

ServiceStatus merge_status(const ScaledService& service, const ScaleRecord& record,
                           const std::vector<ServiceInstance>& instances) {
  ServiceStatus out;
  out.service = service;
  out.desired = record.desired;
  std::map<std::string, const ServiceInstance*> by_name;
  for (const auto& i : instances) by_name[i.instance] = &i;
  std::set<std::string> seen;
  for (const auto& x : replica_list(record.replicas, service.hosts)) {
    ReplicaStatus r{x};
    if (auto it = by_name.find(x.instance()); it != by_name.end()) {
      r.registered = true;
      r.health = it->second->health;
      r.cause = it->second->cause;
    }
    seen.insert(x.instance());
    out.replicas.push_back(r);
  }
  for (const auto& i : instances) {
    if (seen.contains(i.instance)) continue;
    auto dash = i.instance.rfind('-');
    ReplicaStatus r{{dash == std::string::npos ? i.instance : i.instance.substr(0, dash), i.port}};
    r.in_record = false;
    r.registered = true;
    r.health = i.health;
    r.cause = i.cause;
    out.replicas.push_back(r);
  }
  return out;
}

std::vector<std::string> status_lines(const ServiceStatus& s) {
  std::vector<std::string> out;
  out.push_back(
      fmt::format("{}: desired {}, running {}, healthy {} ({}{})", s.service.service, s.desired,
                  s.running(), s.healthy(), s.store,
                  s.stored ? " key " + s.service.key() : ": nothing stored, one replica per host"));
  for (const auto& r : s.replicas) {
    std::string state = !r.registered ? "not registered" : health_name(r.health);
    if (!r.cause.empty()) state += ": " + r.cause;
    if (!r.in_record) state += " (not in the record: stale)";
    out.push_back(fmt::format("  {:<10} {:<6} {:<12} {}", r.replica.host, r.replica.port,
                              r.replica.instance(), state));
  }
  return out;
}

namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '\\';  // a label's \n stays Graphviz's line break
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string status_dot(const std::vector<ServiceStatus>& statuses) {
  std::string out =
      "digraph forja {\n"
      "  rankdir=LR;\n"
      "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\"];\n"
      "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (const auto& s : statuses) {
    const auto& svc = s.service;
    const auto lb = "lb:" + svc.service;
    const auto disc = "discovery:" + svc.service;
    if (!svc.balancer_url.empty()) {
      out += fmt::format("  {} [label={}, fillcolor=\"#dbe9f6\"];\n", quoted(lb),
                         quoted("HAProxy (" + svc.balancer_host + ")\\n" + svc.balancer_url));
    }
    out += fmt::format(
        "  {} [label={}, shape=cylinder, fillcolor=\"#fdf0d5\"];\n", quoted(disc),
        quoted(svc.backend + " (" + s.discovery_host + ")\\n" + svc.endpoint + "\\n" + svc.service +
               ": desired " + std::to_string(s.desired) + ", running " +
               std::to_string(s.running()) + ", healthy " + std::to_string(s.healthy())));
    std::map<std::string, std::vector<const ReplicaStatus*>> by_host;
    std::vector<std::string> host_order;
    for (const auto& r : s.replicas) {
      if (!by_host.contains(r.replica.host)) host_order.push_back(r.replica.host);
      by_host[r.replica.host].push_back(&r);
    }
    for (const auto& h : host_order) {
      out += fmt::format("  subgraph {} {{\n    label={};\n    style=rounded;\n",
                         quoted("cluster_" + svc.service + "_" + h), quoted(h));
      for (const auto* r : by_host[h]) {
        const bool ok = r->registered && r->health == Health::passing;
        out += fmt::format("    {} [label={}, fillcolor={}];\n", quoted(r->replica.instance()),
                           quoted(svc.service + "@" + std::to_string(r->replica.port) +
                                  "\\n:" + std::to_string(r->replica.port) + " " +
                                  (r->registered ? health_name(r->health) : "not registered")),
                           ok ? "\"#d8f0d8\"" : "\"#f6d5d5\"");
      }
      out += "  }\n";
    }
    for (const auto& r : s.replicas) {
      const bool ok = r.registered && r.health == Health::passing;
      if (!svc.balancer_url.empty()) {
        out += fmt::format("  {} -> {}{};\n", quoted(lb), quoted(r.replica.instance()),
                           ok ? "" : " [style=dashed, color=gray]");
      }
      if (r.registered) {
        out += fmt::format("  {} -> {} [style=dotted, label=\"registered\"];\n",
                           quoted(r.replica.instance()), quoted(disc));
      }
    }
    if (!svc.balancer_url.empty() && svc.backend == "consul") {
      out += fmt::format("  {} -> {} [style=dotted, label=\"DNS SRV\", constraint=false];\n",
                         quoted(lb), quoted(disc));
    }
  }
  return out + "}\n";
}

}  // namespace forja
