#include "scale/record.hpp"

#include <algorithm>
#include <set>

#include "discovery/json_api.hpp"
#include "util/json.hpp"

namespace forja {

ScaleRecord default_record(const std::vector<std::string>& hosts, int first_port) {
  ScaleRecord r;
  r.desired = static_cast<int>(hosts.size());
  for (const auto& h : hosts) r.replicas[h] = {first_port};
  return r;
}

std::vector<Replica> replica_list(const Assignment& a, const std::vector<std::string>& order) {
  std::vector<Replica> out;
  std::set<std::string> done;
  for (const auto& h : order) {
    auto it = a.find(h);
    if (it == a.end() || !done.insert(h).second) continue;
    for (int p : it->second) out.push_back({h, p});
  }
  for (const auto& [h, ports] : a) {
    if (done.contains(h)) continue;
    for (int p : ports) out.push_back({h, p});
  }
  return out;
}

int replica_count(const Assignment& a) {
  int n = 0;
  for (const auto& [h, ports] : a) n += static_cast<int>(ports.size());
  return n;
}

namespace {

std::string assignment_json(const Assignment& a) {
  std::string out = "{";
  bool first = true;
  for (const auto& [h, ports] : a) {
    if (ports.empty()) continue;
    if (!first) out += ",";
    first = false;
    out += json_string(h) + ":[";
    for (std::size_t i = 0; i < ports.size(); ++i) {
      if (i) out += ",";
      out += std::to_string(ports[i]);
    }
    out += "]";
  }
  return out + "}";
}

Result<int> json_int(const YAML::Node& node, const std::string& where) {
  if (!node || !node.IsScalar()) return fail(where + ": expected a number");
  const auto& s = node.Scalar();
  if (s.empty() || s.size() > 6 ||
      !std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; })) {
    return fail(where + ": expected a number, got '" + s + "'");
  }
  return std::stoi(s);
}

Result<Assignment> assignment_from(const YAML::Node& node, const std::string& where) {
  Assignment a;
  if (!node || node.IsNull()) return a;
  if (!node.IsMap()) return fail(where + ": expected a map of host to ports");
  for (const auto& kv : node) {
    const auto host = kv.first.Scalar();
    if (!kv.second.IsSequence()) return fail(where + "." + host + ": expected a list of ports");
    std::vector<int> ports;
    for (const auto& p : kv.second) {
      auto port = json_int(p, where + "." + host);
      if (!port) return std::unexpected(port.error());
      if (*port < 1 || *port > 65535) return fail(where + "." + host + ": port out of range");
      ports.push_back(*port);
    }
    std::ranges::sort(ports);
    if (std::ranges::adjacent_find(ports) != ports.end()) {
      return fail(where + "." + host + ": a port listed twice");
    }
    if (!ports.empty()) a[host] = std::move(ports);
  }
  return a;
}

}  // namespace

std::string record_to_json(const ScaleRecord& r) {
  return "{\"desired\":" + std::to_string(r.desired) +
         ",\"replicas\":" + assignment_json(r.replicas) +
         ",\"retired\":" + assignment_json(r.retired) + "}";
}

Result<ScaleRecord> record_from_json(const std::string& json, const std::string& what) {
  auto doc = parse_json(json, what);
  if (!doc) return std::unexpected(doc.error());
  if (!doc->IsMap()) return fail(what + ": expected a JSON object");
  ScaleRecord r;
  auto desired = json_int((*doc)["desired"], what + ": desired");
  if (!desired) return std::unexpected(desired.error());
  r.desired = *desired;
  auto replicas = assignment_from((*doc)["replicas"], what + ": replicas");
  if (!replicas) return std::unexpected(replicas.error());
  r.replicas = std::move(*replicas);
  auto retired = assignment_from((*doc)["retired"], what + ": retired");
  if (!retired) return std::unexpected(retired.error());
  r.retired = std::move(*retired);
  return r;
}

}  // namespace forja
