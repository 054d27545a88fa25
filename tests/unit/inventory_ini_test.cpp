#include <catch2/catch.hpp>
#include <filesystem>

#include "inventory/load.hpp"

using namespace forja;

namespace {

const std::string k_data = std::string(FORJA_TEST_DATA) + "/inventory/";

std::string ini_error(const std::string& text) {
  auto inv = parse_ini_inventory("hosts.ini", text);
  REQUIRE_FALSE(inv);
  CHECK(inv.error().code == ExitCode::bad_input);
  const auto& m = inv.error().message;
  return m.substr(0, m.find('\n'));
}

}  // namespace

TEST_CASE("INI host lines, ranges, name:port, sections, children and vars", "[inventory][ini]") {
  auto inv = load_inventory(k_data + "example.ini");
  if (!inv) FAIL(inv.error().message);
  std::vector<std::string> names;
  for (const auto& h : inv->hosts) names.push_back(h.name);
  CHECK(names == std::vector<std::string>{"bastion", "web1", "web2", "web3", "web9", "db1"});

  const Host* bastion = inv->find_host("bastion");
  CHECK(bastion->connection.address == "192.0.2.1");
  CHECK(bastion->connection.user == "admin");  // [all:vars]
  // A host before any section is in `ungrouped`, as ansible-inventory shows it.
  CHECK(bastion->groups == std::vector<std::string>{"all", "ungrouped"});
  CHECK(inv->groups.at("ungrouped").hosts == std::vector<std::string>{"bastion"});
  CHECK(inv->groups.at("all").hosts.empty());

  const Host* web2 = inv->find_host("web2");
  CHECK(web2->connection.address == "web2");
  CHECK(web2->connection.user == "deploy");  // host line beats [all:vars]
  CHECK(web2->connection.port == 2022);      // [prod:vars]
  CHECK(web2->groups == std::vector<std::string>{"all", "prod", "web"});
  CHECK(web2->vars["env"].Scalar() == "production");
  CHECK(web2->vars["flask_port"].Scalar() == "5000");

  const Host* web9 = inv->find_host("web9");
  CHECK(web9->connection.port == 2200);  // host beats group
  CHECK(web9->connection.address == "10.0.0.9");
  CHECK(web9->vars["role"].Scalar() == "front end");

  const Host* db1 = inv->find_host("db1");
  CHECK(db1->connection.become);
  CHECK(db1->connection.become_user == "postgres");
  auto key = (std::filesystem::absolute(k_data) / "keys/db").lexically_normal();
  CHECK(db1->connection.key_file == key.string());
  CHECK(inv->groups.at("prod").children == std::vector<std::string>{"web", "db"});
}

TEST_CASE("INI zero-padded and letter ranges expand in order", "[inventory][ini]") {
  auto inv = parse_ini_inventory("h.ini", "[a]\ndb[08:10]\nn[x:z].lan\n");
  REQUIRE(inv);
  std::vector<std::string> names;
  for (const auto& h : inv->hosts) names.push_back(h.name);
  CHECK(names == std::vector<std::string>{"db08", "db09", "db10", "nx.lan", "ny.lan", "nz.lan"});
}

TEST_CASE("INI values stay strings and a host in two sections is one host", "[inventory][ini]") {
  auto inv = parse_ini_inventory("h.ini", "[a]\nx flag=NO\n[b]\nx other=yes\n");
  REQUIRE(inv);
  REQUIRE(inv->hosts.size() == 1);
  CHECK(inv->hosts[0].vars["flag"].Scalar() == "NO");
  CHECK(inv->hosts[0].vars["other"].Scalar() == "yes");
  CHECK(inv->hosts[0].groups == std::vector<std::string>{"all", "a", "b"});
}

TEST_CASE("INI errors point at the line and column", "[inventory][ini]") {
  CHECK(ini_error("[web]\nweb1 ansible_port=abc\n") ==
        "hosts.ini:2:19: ansible_port: expected an integer 1-65535, got 'abc'");
  CHECK(ini_error("[web]\nweb1 oops\n") ==
        "hosts.ini:2:6: expected key=value after the host name, got 'oops'");
  CHECK(ini_error("[web:var]\nx=1\n") ==
        "hosts.ini:1:6: unknown section kind ':var' (did you mean ':vars'?); sections are "
        "[group], [group:vars] and [group:children]");
  CHECK(ini_error("[web]\na\n[app:children]\nwbe\n") ==
        "hosts.ini:4:1: group 'app' has unknown child group 'wbe' (did you mean 'web'?); define "
        "it with a [wbe] section");
  CHECK(ini_error("[web]\na\n[wbe:vars]\nx=1\n") ==
        "hosts.ini:3:2: [wbe:vars] for unknown group 'wbe' (did you mean 'web'?); define it "
        "with a [wbe] section");
  CHECK(ini_error("[a]\nx ansible_become=maybe\n") ==
        "hosts.ini:2:18: ansible_become: expected a boolean (yes/no, true/false, 1/0), got "
        "'maybe'");
  CHECK(ini_error("[a]\nx ansible_password=hunter2\n") ==
        "hosts.ini:2:3: forja does not read passwords from the inventory; put the password in an "
        "environment variable and name it with forja_password_env=VAR");
  CHECK(ini_error("[a:children]\nb\n[b:children]\na\n[b]\nh\n") ==
        "hosts.ini:4:1: group cycle: a -> b -> a");
  CHECK(ini_error("[a]\nweb[3:1]\n") ==
        "hosts.ini:2:1: bad host range 'web[3:1]': the start is after the end (write it like "
        "web[1:3], db[01:10], n[a:f] or w[1:9:2])");
  CHECK(ini_error("[a]\nx role='front\n") == "hosts.ini:2:8: unterminated quote '");
}

TEST_CASE("INI inventories whose groups are all empty load, as Ansible reads them",
          "[inventory][ini]") {
  auto inv = parse_ini_inventory("h.ini", "# nothing\n[a]\n[b:children]\na\n");
  REQUIRE(inv);
  CHECK(inv->hosts.empty());
  CHECK(inv->groups.at("b").children == std::vector<std::string>{"a"});
}
