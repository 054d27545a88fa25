#include "scale/scaled.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "util/tcp.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

std::string var(const YAML::Node& map, const std::string& key) {
  if (!map || !map.IsMap()) return "";
  auto v = map[key];
  return v && v.IsScalar() ? v.Scalar() : "";
}

const Host* find_host(const Inventory& inv, const std::string& name) {
  for (const auto& h : inv.hosts)
    if (h.name == name) return &h;
  return nullptr;
}

std::vector<std::string> hosts_in(const Inventory& inv, const std::string& group) {
  std::vector<std::string> out;
  for (const auto& h : inv.hosts)
    if (std::ranges::find(h.groups, group) != h.groups.end()) out.push_back(h.name);
  return out;
}

}  // namespace

Result<std::vector<ScaledService>> scaled_services(const Playbook& book, const Inventory& inv) {
  std::vector<ScaledService> out;
  const auto node = book.vars && book.vars.IsMap() ? book.vars["scaled"] : YAML::Node();
  if (!node || node.IsNull()) return out;
  const auto where = book.path + ": vars: scaled";
  if (!node.IsMap()) return bad_input(where + ": expected a map of service to {group, port}");
  for (const auto& kv : node) {
    ScaledService s;
    s.service = kv.first.Scalar();
    const auto at = where + ": " + s.service;
    s.group = var(kv.second, "group");
    if (s.group.empty()) return bad_input(at + ": no group");
    if (!inv.find_group(s.group))
      return bad_input(at + ": group '" + s.group + "' is not in " + inv.path);
    auto port = var(kv.second, "port");
    if (port.empty() || port.size() > 5 ||
        !std::ranges::all_of(port, [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      return bad_input(at + ": port: expected a port number, got '" + port + "'");
    }
    s.first_port = std::stoi(port);
    s.hosts = hosts_in(inv, s.group);
    if (auto lb = var(kv.second, "balancer"); !lb.empty()) {
      auto lb_hosts = hosts_in(inv, lb);
      auto lb_port = var(kv.second, "balancer_port");
      if (!lb_hosts.empty()) {
        s.balancer_url = "http://" + find_host(inv, lb_hosts.front())->connection.address + ":" +
                         (lb_port.empty() ? "80" : lb_port) + "/";
        s.balancer_host = lb_hosts.front();
      }
    }
    if (!s.hosts.empty()) {
      const auto& vars = find_host(inv, s.hosts.front())->vars;
      s.backend = var(vars, "discovery_backend");
      s.endpoint = var(vars, "discovery_url");
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<StoredScale> read_scale(KvStore& store, const ScaledService& svc) {
  auto v = store.get(svc.key());
  if (!v) return std::unexpected(v.error());
  StoredScale out;
  out.stored = *v;
  if (!*v) {
    out.record = default_record(svc.hosts, svc.first_port);
    return out;
  }
  auto r = record_from_json((*v)->value, store.where() + " key " + svc.key());
  if (!r) return std::unexpected(r.error());
  out.record = std::move(*r);
  return out;
}

std::map<std::string, std::string> down_hosts(const ScaledService& svc, const Inventory& inv) {
  std::vector<std::string> why(svc.hosts.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < svc.hosts.size(); ++i) {
    threads.emplace_back([&, i] {
      const Host* h = find_host(inv, svc.hosts[i]);
      if (!h || h->connection.address == "local") return;
      auto r =
          tcp_connect(h->connection.address, h->connection.port, std::chrono::milliseconds(2000));
      if (!r) why[i] = r.error().message;
    });
  }
  for (auto& t : threads) t.join();
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < svc.hosts.size(); ++i)
    if (!why[i].empty()) out[svc.hosts[i]] = why[i];
  return out;
}

void inject_replicas(Inventory& inv, const std::vector<ScaledService>& services,
                     const std::vector<ScaleRecord>& records) {
  // Every replica of each service by instance name ("lab2-5000 lab2-5001 lab3-5000"), the same
  // on every host: what verify expects in discovery and behind the balancer.
  std::vector<std::string> instances(services.size());
  for (std::size_t i = 0; i < services.size(); ++i) {
    std::vector<std::string> names;
    for (const auto& h : services[i].hosts) {
      if (auto it = records[i].replicas.find(h); it != records[i].replicas.end()) {
        for (int p : it->second) names.push_back(h + "-" + std::to_string(p));
      }
    }
    instances[i] = join(names, " ");
  }
  for (auto& h : inv.hosts) {
    // A fresh map of its own: reset, never '=' (assigning would rewrite the node this one
    // shares with any copy of the inventory, e.g. the one `forja scale` keeps unchanged).
    YAML::Node own = h.vars && h.vars.IsMap() ? YAML::Clone(h.vars) : YAML::Node(YAML::NodeType::Map);
    h.vars.reset(own);
    std::vector<std::string> ports;
    for (std::size_t i = 0; i < services.size(); ++i) {
      const auto& svc = services[i];
      YAML::Node replicas(YAML::NodeType::Sequence), retired(YAML::NodeType::Sequence);
      if (std::ranges::find(svc.hosts, h.name) != svc.hosts.end()) {
        if (auto it = records[i].replicas.find(h.name); it != records[i].replicas.end()) {
          for (int p : it->second) {
            replicas.push_back(std::to_string(p));
            ports.push_back(std::to_string(p) + "/tcp");
          }
        }
        if (auto it = records[i].retired.find(h.name); it != records[i].retired.end()) {
          for (int p : it->second) retired.push_back(std::to_string(p));
        }
      }
      h.vars[svc.service + "_replicas"] = replicas;
      h.vars[svc.service + "_retired"] = retired;
      h.vars[svc.service + "_instances"] = instances[i];
    }
    h.vars["replica_ports"] = join(ports, " ");
  }
}

}  // namespace forja
