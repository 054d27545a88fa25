#include <catch2/catch.hpp>

#include "lab/plan.hpp"
#include "lab/state.hpp"

using namespace forja;
using namespace forja::lab;

TEST_CASE("lab hosts get consecutive addresses from .11 on the bridge subnet", "[lab][plan]") {
  auto plan = host_plan(3);
  REQUIRE(plan);
  REQUIRE(plan->size() == 3);
  CHECK((*plan)[0].name == "lab1");
  CHECK((*plan)[0].address == "10.77.0.11");
  CHECK((*plan)[0].veth == "fj-lab1");
  CHECK((*plan)[0].mac == "02:66:6a:00:00:01");
  CHECK((*plan)[0].veth_mac == "02:66:6a:01:00:01");
  CHECK((*plan)[2].name == "lab3");
  CHECK((*plan)[2].address == "10.77.0.13");
  auto big = host_plan(32);
  REQUIRE(big);
  CHECK(big->back().address == "10.77.0.42");
  CHECK(big->back().mac == "02:66:6a:00:00:20");
}

TEST_CASE("lab host count outside 1..max is bad input", "[lab][plan]") {
  CHECK_FALSE(host_plan(0));
  CHECK(host_plan(0).error().code == ExitCode::bad_input);
  CHECK_FALSE(host_plan(k_max_hosts + 1));
  auto last = host_plan(k_max_hosts);
  REQUIRE(last);
  CHECK(last->back().address == "10.77.0.210");
  CHECK(last->back().veth.size() <= 15);  // Linux interface names
}

TEST_CASE("host_index accepts lab names only", "[lab][plan]") {
  CHECK(host_index("lab1") == 1);
  CHECK(host_index("lab32") == 32);
  CHECK_FALSE(host_index("lab"));
  CHECK_FALSE(host_index("lab0"));
  CHECK_FALSE(host_index("lab01"));
  CHECK_FALSE(host_index("lab1x"));
  CHECK_FALSE(host_index("web1"));
  CHECK_FALSE(host_index("lab9999"));
}

TEST_CASE("lab state survives a render/parse round trip in index order", "[lab][state]") {
  LabState state;
  state.ensure(planned_host(3)).pid = 300;
  state.ensure(planned_host(1)).pid = 100;
  state.ensure(planned_host(2));
  REQUIRE(state.hosts.size() == 3);
  CHECK(state.hosts[0].host.name == "lab1");
  auto text = render_state(state);
  auto back = parse_state(text, "lab.state");
  REQUIRE(back);
  REQUIRE(back->hosts.size() == 3);
  CHECK(back->hosts[0].pid == 100);
  CHECK(back->hosts[1].pid == 0);
  CHECK(back->hosts[2].host.address == "10.77.0.13");
}

TEST_CASE("lab state parse errors name file and line", "[lab][state]") {
  auto bad = parse_state("# header\nlab1 10.77.0.11 12\nweb 1.2.3.4 5\n", "lab.state");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.starts_with("lab.state:3: 'web' is not a lab host name"));
  auto dup = parse_state("lab1 10.77.0.11 1\nlab1 10.77.0.11 2\n", "s");
  REQUIRE_FALSE(dup);
  CHECK(dup.error().message.find("listed twice") != std::string::npos);
  CHECK_FALSE(parse_state("lab1 10.77.0.11 -4\n", "s"));
}

TEST_CASE("named lab hosts keep the order given, each at its own address", "[lab][plan]") {
  auto hosts = named_hosts({"lab42", "lab41"});
  REQUIRE(hosts);
  REQUIRE(hosts->size() == 2);
  CHECK((*hosts)[0].name == "lab42");
  CHECK((*hosts)[0].address == "10.77.0.52");
  CHECK((*hosts)[0].kind == HostKind::debian);
  CHECK((*hosts)[1].name == "lab41");
  CHECK((*hosts)[1].address == "10.77.0.51");
}

TEST_CASE("named lab hosts: a name that is no lab host, or one given twice, is bad input",
          "[lab][plan]") {
  auto bad = named_hosts({"lab41", "web-1"});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == forja::ExitCode::bad_input);
  CHECK(bad.error().message == "'web-1' is not a lab host name (lab1 .. lab200, each at 10.77.0.(10+N))");
  auto dup = named_hosts({"lab41", "lab42", "lab41"});
  REQUIRE_FALSE(dup);
  CHECK(dup.error().message == "'lab41' is named twice");
  CHECK_FALSE(named_hosts({"lab201"}));
  CHECK_FALSE(named_hosts({}));
}

TEST_CASE("lab state drops a removed host and keeps the others in index order", "[lab][state]") {
  LabState state;
  for (int i : {42, 1, 41, 2}) state.ensure(planned_host(i)).pid = 100 + i;
  CHECK(state.remove("lab41"));
  CHECK_FALSE(state.remove("lab41"));
  CHECK_FALSE(state.remove("lab7"));
  CHECK(render_state(state) ==
        "# forja lab state: NAME ADDRESS PID (0 = stopped). Written by forja lab.\n"
        "lab1 10.77.0.11 101\nlab2 10.77.0.12 102\nlab42 10.77.0.52 142\n");
}
