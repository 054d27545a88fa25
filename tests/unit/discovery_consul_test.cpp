// Consul's HTTP API as forja reads it: answers recorded from Consul 1.8.7 (Debian bullseye's
// package), and the verify probes that speak to it, against a canned HTTP server.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "canned_http.hpp"
#include "discovery/consul.hpp"
#include "inventory/load.hpp"
#include "playbook/load.hpp"
#include "probes/verify.hpp"

using namespace forja;

namespace {

std::string data(const std::string& name) {
  std::ifstream in(std::string(FORJA_TEST_DATA) + "/consul/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("a failing Consul check's output says why in a few words", "[discovery][consul]") {
  struct Row {
    std::string output, cause;
  };
  const std::vector<Row> rows = {
      {"Get \"http://10.77.0.13:5000/health\": dial tcp 10.77.0.13:5000: connect: connection "
       "refused",
       "connection refused"},
      {"Get \"http://10.77.0.13:5000/health\": dial tcp 10.77.0.13:5000: connect: no route to host",
       "no route to host"},
      {"Get \"http://10.77.0.13:5000/health\": context deadline exceeded (Client.Timeout exceeded "
       "while awaiting headers)",
       "timed out"},
      {"Get \"http://10.77.0.13:5000/health\": dial tcp 10.77.0.13:5000: i/o timeout", "timed out"},
      {"HTTP GET http://10.77.0.13:5000/health: 500 INTERNAL SERVER ERROR Output: <!doctype html>\n"
       "<title>500</title>",
       "HTTP 500 INTERNAL SERVER ERROR"},
      {"Agent not live or unreachable", "Agent not live or unreachable"},
      {"", "no output yet"},
  };
  for (const auto& row : rows) {
    INFO(row.output);
    CHECK(check_cause(row.output) == row.cause);
  }
}

TEST_CASE("Consul's health API: every instance with its worst check and the cause",
          "[discovery][consul]") {
  auto parsed = parse_consul_health(data("health-service-web.json"));
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 4);
  const auto& i = *parsed;
  CHECK(i[0].instance == "lab2-5000");
  CHECK(i[0].address == "127.0.0.1");
  CHECK(i[0].port == 18999);
  CHECK(i[0].health == Health::passing);
  CHECK(i[0].cause.empty());
  CHECK(i[1].instance == "lab3-5000");
  CHECK(i[1].health == Health::critical);
  CHECK(i[1].cause == "health check critical: connection refused");
  CHECK(i[2].cause == "health check critical: HTTP 404 File not found");
  CHECK(i[3].cause == "health check critical: timed out");
}

TEST_CASE("a dead node fails its instances, named by the node", "[discovery][consul]") {
  auto parsed = parse_consul_health(data("health-service-web-node-failed.json"));
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[0].health == Health::passing);
  CHECK((*parsed)[1].instance == "lab3-5000");
  CHECK((*parsed)[1].health == Health::critical);
  CHECK((*parsed)[1].cause == "node lab3 critical: Agent not live or unreachable");
}

TEST_CASE("Consul's members API: names, addresses, roles and status words", "[discovery][consul]") {
  auto members = parse_consul_members(data("agent-members.json"));
  REQUIRE(members);
  REQUIRE(members->size() == 4);
  CHECK((*members)[0].name == "lab1");
  CHECK((*members)[0].address == "10.77.0.11");
  CHECK((*members)[0].role == "server");
  CHECK((*members)[0].status == "alive");
  CHECK((*members)[1].role == "client");
  CHECK((*members)[2].name == "lab3");
  CHECK((*members)[2].status == "failed");
  CHECK_FALSE(parse_consul_members("{\"not\": \"a list\"}"));
}

namespace {

// The lab's topology in an inventory, and a playbook whose verify: probes speak to `api`.
struct VerifyScenario {
  std::filesystem::path dir;
  Playbook book;
  Inventory inventory;

  explicit VerifyScenario(const std::string& api, const std::string& discovery_extra = "") {
    char tmpl[] = "/tmp/forja-consul-test-XXXXXX";
    dir = ::mkdtemp(tmpl);
    std::ofstream(dir / "book.yml") << "plays:\n  - hosts: all\n    states: []\n"
                                       "verify:\n"
                                       "  - consul_members: \""
                                    << api
                                    << "\"\n    expect_hosts: all\n"
                                       "  - discovery: web\n    backend: consul\n    endpoint: \""
                                    << api << "\"\n    expect_hosts: web\n" << discovery_extra;
    auto loaded = load_playbook((dir / "book.yml").string());
    if (!loaded) FAIL(loaded.error().message);
    book = std::move(*loaded);
    std::ofstream(dir / "inv.yml")
        << "hosts:\n  lab1: {address: 10.77.0.11}\n  lab2: {address: 10.77.0.12}\n"
           "  lab3: {address: 10.77.0.13}\n  lab4: {address: 10.77.0.14}\n"
           "groups:\n  web:\n    hosts: [lab2, lab3]\n";
    auto inv = load_inventory((dir / "inv.yml").string());
    if (!inv) FAIL(inv.error().message);
    inventory = std::move(*inv);
  }
  ~VerifyScenario() { std::filesystem::remove_all(dir); }

  std::vector<VerifyResult> run() {
    VerifyOptions options;
    options.timeout = std::chrono::seconds(1);
    auto results = run_verify(
        book, inventory, [](const Host&) { return nullptr; }, options);
    if (!results) FAIL(results.error().message);
    return *results;
  }
};

}  // namespace

TEST_CASE("verify speaks Consul: members alive, instances passing, failures named with their cause",
          "[discovery][consul][verify]") {
  test::CannedHttp consul;
  VerifyScenario s(consul.url());
  consul.serve("/v1/agent/members", data("agent-members.json"));
  consul.serve("/v1/health/service/web", data("health-service-web-lab.json"));
  auto results = s.run();
  REQUIRE(results.size() == 2);
  const auto& members = results[0];
  CHECK(members.probe == "consul_members");
  CHECK_FALSE(members.pass);
  CHECK(members.value == "3 of 4 alive (lab1, lab2, lab4)");
  CHECK(members.detail == "lab3: failed");
  const auto& instances = results[1];
  CHECK(instances.probe == "discovery");
  CHECK_FALSE(instances.pass);
  CHECK(instances.value == "1 of 2 healthy (lab2-5000)");
  CHECK(instances.detail == "lab3-5000: health check critical: connection refused");

  consul.serve("/v1/agent/members", data("agent-members-alive.json"));
  consul.serve("/v1/health/service/web", data("health-service-web-passing.json"));
  results = s.run();
  CHECK(results[0].pass);
  CHECK(results[0].value == "4 alive (lab1, lab2, lab3, lab4)");
  CHECK(results[1].pass);
  CHECK(results[1].value == "2 healthy (lab2-5000, lab3-5000)");
}

TEST_CASE("verify names a Consul API that does not answer", "[discovery][consul][verify]") {
  test::CannedHttp consul;
  VerifyScenario s(consul.url());
  auto results = s.run();
  REQUIRE(results.size() == 2);
  CHECK_FALSE(results[0].pass);
  CHECK_THAT(results[0].detail, Catch::Contains("/v1/agent/members: HTTP 404"));
  CHECK_FALSE(results[1].pass);
  CHECK_THAT(results[1].detail, Catch::Contains("/v1/health/service/web: HTTP 404"));
}

TEST_CASE("verify: expect_instances is the exact set of instances (the replicas forja scale placed)",
          "[discovery][consul][verify]") {
  test::CannedHttp consul;
  consul.serve("/v1/agent/members", data("agent-members-alive.json"));
  consul.serve("/v1/health/service/web", data("health-service-web-passing.json"));
  {
    VerifyScenario s(consul.url(), "    expect_instances: \"lab2-5000 lab3-5000\"\n");
    auto results = s.run();
    REQUIRE(results.size() == 2);
    CHECK(results[1].pass);
    CHECK(results[1].value == "2 healthy (lab2-5000, lab3-5000)");
  }
  {  // one more placed than registered, one registered that is not placed
    VerifyScenario s(consul.url(), "    expect_instances: \"lab2-5000, lab2-5001\"\n");
    auto results = s.run();
    REQUIRE(results.size() == 2);
    CHECK_FALSE(results[1].pass);
    CHECK(results[1].detail == "missing: lab2-5001 (not registered); unexpected: lab3-5000");
  }
  {  // empty: every host of expect_hosts is expected, as without it
    VerifyScenario s(consul.url(), "    expect_instances: \"\"\n");
    auto results = s.run();
    REQUIRE(results.size() == 2);
    CHECK(results[1].pass);
  }
}
