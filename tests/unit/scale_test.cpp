// forja scale's pure parts: the SERVICE=N argument, the stored record, placement, and the
// variables every run gives the hosts; the KV store's Consul client against a canned server.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "canned_http.hpp"
#include "discovery/kv_store.hpp"
#include "inventory/load.hpp"
#include "playbook/load.hpp"
#include "scale/balancer.hpp"
#include "scale/placement.hpp"
#include "scale/request.hpp"
#include "scale/scaled.hpp"
#include "scale/status.hpp"
#include "util/http.hpp"

using namespace forja;

namespace {

std::string show(const std::vector<Replica>& list) {
  std::string out;
  for (const auto& x : list)
    out += (out.empty() ? "" : " ") + x.host + ":" + std::to_string(x.port);
  return out;
}

const std::vector<std::string> k_web = {"lab2", "lab3"};

Placement must_place(int desired, const ScaleRecord& current, std::set<std::string> down = {},
                     std::vector<std::string> hosts = k_web) {
  auto p = place({std::move(hosts), std::move(down), 5000, desired, current});
  REQUIRE(p);
  return *p;
}

}  // namespace

TEST_CASE("scale arguments: set, add, remove, with located errors", "[scale]") {
  auto set = parse_scale_request("web=4");
  REQUIRE(set);
  CHECK(set->service == "web");
  CHECK(set->op == ScaleRequest::Op::set);
  CHECK(*set->desired(2) == 4);
  auto add = parse_scale_request("web+1");
  REQUIRE(add);
  CHECK(*add->desired(2) == 3);
  auto sub = parse_scale_request("my-web-1");
  REQUIRE(sub);
  CHECK(sub->service == "my-web");
  CHECK(*sub->desired(2) == 1);
  CHECK(*parse_scale_request("web=0")->desired(3) == 0);

  struct Row {
    std::string text, error;
  };
  for (const auto& row : std::vector<Row>{
           {"web", "scale argument 'web':4: no '=', '+' or '-'"},
           {"=3", "scale argument '=3':1: no service name"},
           {"web=", "scale argument 'web=':5: no number after '='"},
           {"web=4x", "scale argument 'web=4x':6: 'x' is not a digit"},
           {"w b=2", "scale argument 'w b=2':2: ' ' in a service name"},
           {"web=101", "scale argument 'web=101':5: more than 100 replicas"},
           {"web+0", "scale argument 'web+0':5: adding or removing 0 replicas changes nothing"},
       }) {
    auto r = parse_scale_request(row.text);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ExitCode::bad_input);
    CHECK_THAT(r.error().message, Catch::Contains(row.error));
  }
  auto below = parse_scale_request("web-3")->desired(2);
  REQUIRE_FALSE(below);
  CHECK(below.error().code == ExitCode::bad_input);
  CHECK(below.error().message == "command line: web has 2 replica(s): cannot remove 3");
}

TEST_CASE("the stored record is JSON with sorted hosts and ascending ports", "[scale]") {
  ScaleRecord r;
  r.desired = 3;
  r.replicas = {{"lab3", {5000}}, {"lab2", {5001, 5000}}};
  r.retired = {{"lab3", {5001}}};
  CHECK(record_to_json(r) ==
        R"({"desired":3,"replicas":{"lab2":[5001,5000],"lab3":[5000]},"retired":{"lab3":[5001]}})");
  auto back = record_from_json(
      R"({"desired":3,"replicas":{"lab2":[5001,5000],"lab3":[5000]},"retired":{}})", "k");
  REQUIRE(back);
  CHECK(back->desired == 3);
  CHECK(back->replicas.at("lab2") == std::vector<int>{5000, 5001});
  CHECK(back->retired.empty());
  for (const auto& [json, error] : std::vector<std::pair<std::string, std::string>>{
           {"[]", "k: expected a JSON object"},
           {R"({"replicas":{}})", "k: desired: expected a number"},
           {R"({"desired":"x"})", "k: desired: expected a number, got 'x'"},
           {R"({"desired":1,"replicas":{"lab2":5000}})",
            "k: replicas.lab2: expected a list of ports"},
           {R"({"desired":1,"replicas":{"lab2":[70000]}})", "k: replicas.lab2: port out of range"},
           {R"({"desired":2,"replicas":{"lab2":[5000,5000]}})",
            "k: replicas.lab2: a port listed twice"},
       }) {
    auto bad = record_from_json(json, "k");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == error);
  }
}

TEST_CASE("placement: a host without a replica first, then the least loaded on its next port",
          "[scale]") {
  auto start = default_record(k_web, 5000);
  CHECK(show(replica_list(start.replicas, k_web)) == "lab2:5000 lab3:5000");
  auto four = must_place(4, start);
  CHECK(show(four.added) == "lab2:5001 lab3:5001");
  CHECK(four.removed.empty());
  CHECK(show(replica_list(four.record.replicas, k_web)) ==
        "lab2:5000 lab2:5001 lab3:5000 lab3:5001");
  // Three hosts, one empty: the empty one first.
  ScaleRecord two_on_two{2, {{"lab2", {5000}}, {"lab3", {5000}}}, {}};
  auto three = must_place(4, two_on_two, {}, {"lab2", "lab3", "lab5"});
  CHECK(show(three.added) == "lab5:5000 lab2:5001");
  // Down to one: the most loaded host loses its highest port; the later host on ties.
  auto one = must_place(1, four.record);
  CHECK(show(one.removed) == "lab3:5001 lab2:5001 lab3:5000");
  CHECK(show(replica_list(one.record.replicas, k_web)) == "lab2:5000");
  CHECK(record_to_json(one.record) ==
        R"({"desired":1,"replicas":{"lab2":[5000]},"retired":{"lab2":[5001],"lab3":[5000,5001]}})");
  // Back up to two: the empty host, on a port it had retired (no longer retired).
  auto two = must_place(2, one.record);
  CHECK(show(two.added) == "lab3:5000");
  CHECK(
      record_to_json(two.record) ==
      R"({"desired":2,"replicas":{"lab2":[5000],"lab3":[5000]},"retired":{"lab2":[5001],"lab3":[5001]}})");
  // The same count again: nothing moves.
  auto same = must_place(2, two.record);
  CHECK(same.added.empty());
  CHECK(same.removed.empty());
  CHECK_FALSE(same.changes(two.record));
}

TEST_CASE("placement: a down host's replicas move to live hosts; when it is back it gets none",
          "[scale]") {
  auto start = default_record(k_web, 5000);
  auto moved = must_place(2, start, {"lab3"});
  CHECK(show(moved.lost) == "lab3:5000");
  CHECK(show(moved.added) == "lab2:5001");
  CHECK(moved.removed.empty());
  CHECK(record_to_json(moved.record) ==
        R"({"desired":2,"replicas":{"lab2":[5000,5001]},"retired":{"lab3":[5000]}})");
  // lab3 is back: the count holds, its old replica stays retired (drained by the next run).
  auto back = must_place(2, moved.record);
  CHECK_FALSE(back.changes(moved.record));
  // The next replica placed goes to it.
  auto three = must_place(3, moved.record);
  CHECK(show(three.added) == "lab3:5000");
  CHECK(three.record.retired.empty());
  // No live host.
  auto none = place({k_web, {"lab2", "lab3"}, 5000, 2, start});
  REQUIRE_FALSE(none);
  CHECK(none.error().message == "no host of the group is up to run 2 replica(s)");
  // A host removed from the group: its replicas are lost too.
  auto shrunk = must_place(2, start, {}, {"lab2"});
  CHECK(show(shrunk.lost) == "lab3:5000");
  CHECK(show(shrunk.added) == "lab2:5001");
}

TEST_CASE("every host gets its replicas, retired ports and firewall ports", "[scale]") {
  auto inv = load_inventory(std::string(FORJA_SOURCE_DIR) + "/inventories/lab.yml");
  REQUIRE(inv);
  auto book = load_playbook(std::string(FORJA_SOURCE_DIR) + "/playbooks/site.yml");
  if (!book) FAIL(book.error().message);
  auto services = scaled_services(*book, *inv);
  REQUIRE(services);
  REQUIRE(services->size() == 1);
  const auto& web = services->front();
  CHECK(web.service == "web");
  CHECK(web.hosts == k_web);
  CHECK(web.first_port == 5000);
  CHECK(web.balancer_url == "http://10.77.0.14:8080/");
  CHECK(web.backend == "consul");
  CHECK(web.endpoint == "http://10.77.0.11:8500");
  CHECK(web.key() == "forja/scale/web");
  ScaleRecord r{3, {{"lab2", {5000, 5001}}, {"lab3", {5000}}}, {{"lab3", {5001}}}};
  inject_replicas(*inv, *services, {r});
  auto vars = [&](const std::string& host) {
    for (const auto& h : inv->hosts)
      if (h.name == host) return h.vars;
    FAIL("no host " + host);
    return YAML::Node();
  };
  auto list = [](const YAML::Node& n) {
    std::string out;
    for (const auto& x : n) out += (out.empty() ? "" : " ") + x.Scalar();
    return out;
  };
  CHECK(list(vars("lab2")["web_replicas"]) == "5000 5001");
  CHECK(list(vars("lab2")["web_retired"]) == "");
  CHECK(vars("lab2")["replica_ports"].Scalar() == "5000/tcp 5001/tcp");
  CHECK(list(vars("lab3")["web_replicas"]) == "5000");
  CHECK(list(vars("lab3")["web_retired"]) == "5001");
  CHECK(vars("lab3")["replica_ports"].Scalar() == "5000/tcp");
  CHECK(list(vars("lab4")["web_replicas"]) == "");
  CHECK(vars("lab4")["replica_ports"].Scalar() == "");
  CHECK(vars("lab1")["firewall_ports"].Scalar() == "8300/tcp 8301/tcp 8301/udp 8500/tcp");
}

TEST_CASE("the Consul KV store: a value and its index, nothing for an absent key",
          "[scale][consul]") {
  test::CannedHttp consul;
  consul.serve("/v1/kv/forja/scale/web",
               R"([{"LockIndex":0,"Key":"forja/scale/web","Flags":0,"Value":")" +
                   base64_encode(R"({"desired":3})") + R"(","CreateIndex":40,"ModifyIndex":52}])");
  auto store = make_kv_store("consul", consul.url() + "/");
  REQUIRE(store);
  CHECK((*store)->where() == "consul at " + consul.url());
  auto got = (*store)->get("forja/scale/web");
  REQUIRE(got);
  REQUIRE(got->has_value());
  CHECK((*got)->value == R"({"desired":3})");
  CHECK((*got)->version == "52");
  auto absent = (*store)->get("forja/scale/db");
  REQUIRE(absent);
  CHECK_FALSE(absent->has_value());
  CHECK_FALSE(make_kv_store("zookeeper", "http://x"));
}

TEST_CASE("the instance a balancer's answer names", "[scale]") {
  CHECK(answering_instance("Hello World! I am lab2-5001 on host lab2\n") == "lab2-5001");
  CHECK(answering_instance("<html>503 Service Unavailable</html>") == "");
}

TEST_CASE("status: the record beside discovery, and a Graphviz picture of it", "[scale]") {
  ScaledService web;
  web.service = "web";
  web.group = "web";
  web.first_port = 5000;
  web.hosts = k_web;
  web.balancer_url = "http://10.77.0.14:8080/";
  web.balancer_host = "lab4";
  web.backend = "consul";
  web.endpoint = "http://10.77.0.11:8500";
  ScaleRecord r{3, {{"lab2", {5000, 5001}}, {"lab3", {5000}}}, {}};
  std::vector<ServiceInstance> found = {
      {"lab2-5000", "10.77.0.12", 5000, "", Health::passing, ""},
      {"lab2-5001", "10.77.0.12", 5001, "", Health::critical,
       "health check critical: connection refused"},
      {"lab3-5001", "10.77.0.13", 5001, "", Health::passing, ""},
  };
  auto s = merge_status(web, r, found);
  s.store = "consul at http://10.77.0.11:8500";
  s.stored = true;
  s.discovery_host = "lab1";
  CHECK(s.desired == 3);
  CHECK(s.running() == 3);
  CHECK(s.healthy() == 2);
  auto lines = status_lines(s);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] ==
        "web: desired 3, running 3, healthy 2 (consul at http://10.77.0.11:8500 key "
        "forja/scale/web)");
  CHECK(lines[1] == "  lab2       5000   lab2-5000    passing");
  CHECK(lines[2] ==
        "  lab2       5001   lab2-5001    critical: health check critical: connection refused");
  CHECK(lines[3] == "  lab3       5000   lab3-5000    not registered");
  CHECK(lines[4] == "  lab3       5001   lab3-5001    passing (not in the record: stale)");
  auto dot = status_dot({s});
  CHECK(dot.starts_with("digraph forja {\n"));
  CHECK(dot.ends_with("}\n"));
  CHECK_THAT(dot, Catch::Contains(R"("lb:web" [label="HAProxy (lab4)\nhttp://10.77.0.14:8080/")"));
  CHECK_THAT(dot, Catch::Contains(R"(subgraph "cluster_web_lab2" {)"));
  CHECK_THAT(dot, Catch::Contains(
                      R"("lab2-5001" [label="web@5001\n:5001 critical", fillcolor="#f6d5d5"];)"));
  CHECK_THAT(dot, Catch::Contains(R"("lb:web" -> "lab2-5000";)"));
  CHECK_THAT(dot, Catch::Contains(R"("lb:web" -> "lab2-5001" [style=dashed, color=gray];)"));
  CHECK_THAT(dot, Catch::Contains(
                      R"("lab2-5000" -> "discovery:web" [style=dotted, label="registered"];)"));
  CHECK(dot.find(R"("lab3-5000" -> "discovery:web")") == std::string::npos);
  CHECK_THAT(dot, Catch::Contains("desired 3, running 3, healthy 2"));
}

// Against a real etcd (Debian's etcd-server 3.4): FORJA_TEST_ETCD=http://127.0.0.1:2379
// forja_unit "[.etcd]". Hidden: the unit suite has no etcd of its own.
TEST_CASE("the etcd KV store: absent, create only if absent, check-and-set, remove",
          "[.etcd][scale]") {
  const char* endpoint = std::getenv("FORJA_TEST_ETCD");
  if (!endpoint) {
    WARN("FORJA_TEST_ETCD is not set: nothing to test");
    return;
  }
  auto store = make_kv_store("etcd", endpoint);
  REQUIRE(store);
  const std::string key = "forja/scale/unit-test";
  REQUIRE((*store)->remove(key));
  auto absent = (*store)->get(key);
  REQUIRE(absent);
  CHECK_FALSE(absent->has_value());
  CHECK(*(*store)->put_if(key, "one", ""));
  CHECK_FALSE(*(*store)->put_if(key, "again", ""));  // exists: a create loses
  auto one = (*store)->get(key);
  REQUIRE(one);
  REQUIRE(one->has_value());
  CHECK((*one)->value == "one");
  CHECK(*(*store)->put_if(key, "two", (*one)->version));
  CHECK_FALSE(*(*store)->put_if(key, "three", (*one)->version));  // an old version loses
  CHECK((*(*store)->get(key))->value == "two");
  REQUIRE((*store)->remove(key));
  CHECK_FALSE((*store)->get(key)->has_value());
}
