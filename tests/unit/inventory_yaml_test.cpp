#include <catch2/catch.hpp>
#include <filesystem>

#include "inventory/load.hpp"
#include "util/text.hpp"

using namespace forja;

namespace {

const std::string k_data = std::string(FORJA_TEST_DATA) + "/inventory/";

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// The first line of the error from parsing `text` as a YAML inventory named "inv.yml".
std::string yaml_error(const std::string& text) {
  auto inv = parse_yaml_inventory("inv.yml", text);
  REQUIRE_FALSE(inv);
  CHECK(inv.error().code == ExitCode::bad_input);
  return first_line(inv.error().message);
}

Inventory example() {
  auto inv = load_inventory(k_data + "example.yml");
  if (!inv) FAIL(inv.error().message);
  return *inv;
}

}  // namespace

TEST_CASE("connection settings resolve defaults < parent group < child group < host",
          "[inventory]") {
  auto inv = example();
  const Host* lab1 = inv.find_host("lab1");
  REQUIRE(lab1);
  CHECK(lab1->connection.address == "10.77.0.11");
  CHECK(lab1->connection.port == 2222);
  CHECK(lab1->connection.user == "deploy");       // web (child) beats app (parent)
  CHECK(lab1->connection.connect_timeout == 30);  // inherited from app
  CHECK(lab1->connection.become);                 // from defaults
  CHECK(lab1->connection.become_user == "root");  // the model's default
  const Host* lab3 = inv.find_host("lab3");
  REQUIRE(lab3);
  CHECK(lab3->connection.address == "lab3");  // address defaults to the name
  CHECK(lab3->connection.user == "app");
  CHECK(lab3->connection.port == 22);
  CHECK(inv.find_host("db1")->connection.become_user == "postgres");
  CHECK(inv.find_host("db1")->connection.user == "vagrant");
  CHECK(inv.find_host("nope") == nullptr);
}

TEST_CASE("vars merge by top-level key in the same precedence as settings", "[inventory]") {
  auto inv = example();
  const Host* lab1 = inv.find_host("lab1");
  CHECK(lab1->vars["tier"].Scalar() == "host");
  CHECK(lab1->vars["weight"].Scalar() == "10");  // web overrides app
  CHECK(lab1->vars["flask_port"].Scalar() == "5000");
  CHECK(lab1->vars["role"].Scalar() == "web");
  const Host* lab2 = inv.find_host("lab2");
  CHECK(lab2->vars["tier"].Scalar() == "web");
  CHECK_FALSE(lab2->vars["role"].IsDefined());
  CHECK(inv.find_host("lab3")->vars["tier"].Scalar() == "app");
}

TEST_CASE("NO and yes in vars stay the strings that were written", "[inventory]") {
  auto inv = example();
  CHECK(inv.find_host("lab1")->vars["answer"].Scalar() == "NO");
  CHECK(inv.find_host("db1")->vars["enabled"].Scalar() == "yes");
}

TEST_CASE("hosts belong to their groups, the groups' ancestors and all", "[inventory]") {
  auto inv = example();
  CHECK(inv.find_host("lab1")->groups == std::vector<std::string>{"all", "app", "web"});
  CHECK(inv.find_host("lab3")->groups == std::vector<std::string>{"all", "app"});
  CHECK(inv.find_host("db1")->groups == std::vector<std::string>{"all", "db"});
  CHECK(inv.group_order == std::vector<std::string>{"all", "web", "app", "db"});
  CHECK(inv.groups.at("all").children == std::vector<std::string>{"app", "db"});
  CHECK(inv.groups.at("app").children == std::vector<std::string>{"web"});
  CHECK(inv.hosts.size() == 4);
  CHECK(inv.hosts[0].where.line == 9);
}

TEST_CASE("relative key paths resolve against the inventory's directory", "[inventory]") {
  auto inv = example();
  auto expected = (std::filesystem::absolute(k_data) / "keys/id_ed25519").lexically_normal();
  CHECK(inv.find_host("lab1")->connection.key_file == expected.string());
  CHECK(inv.find_host("lab1")->connection.known_hosts == "/var/lib/forja-lab/known_hosts");
}

TEST_CASE("a key starting with ~ expands to the home directory", "[inventory]") {
  auto inv = parse_yaml_inventory("inv.yml", "defaults: {key: ~/.ssh/id}\nhosts: {a: {}}\n");
  REQUIRE(inv);
  const char* home = std::getenv("HOME");
  REQUIRE(home);
  CHECK(inv->hosts[0].connection.key_file == std::string(home) + "/.ssh/id");
}

TEST_CASE("unknown host key suggests the closest name with file:line:col", "[inventory]") {
  auto inv = load_inventory(k_data + "bad/unknown_key.yml");
  REQUIRE_FALSE(inv);
  CHECK(inv.error().code == ExitCode::bad_input);
  CHECK(inv.error().message == k_data +
                                   "bad/unknown_key.yml:3:5: unknown key 'adress' in host 'lab1' "
                                   "(did you mean 'address'?)\n"
                                   "  3 |     adress: 10.77.0.11\n"
                                   "    |     ^");
}

TEST_CASE("unknown keys are errors in defaults, groups and the top level", "[inventory]") {
  CHECK(yaml_error("host:\n  a: {}\n") ==
        "inv.yml:1:1: unknown key 'host' in the inventory (did you mean 'hosts'?)");
  CHECK(yaml_error("defaults:\n  usr: x\nhosts: {a: {}}\n") ==
        "inv.yml:2:3: unknown key 'usr' in 'defaults' (did you mean 'user'?)");
  CHECK(yaml_error("hosts: {a: {}}\ngroups:\n  g:\n    chidren: [x]\n") ==
        "inv.yml:4:5: unknown key 'chidren' in group 'g' (did you mean 'children'?)");
  CHECK(yaml_error("defaults:\n  address: 1.2.3.4\nhosts: {a: {}}\n") ==
        "inv.yml:2:3: 'address' belongs on a host entry, not here");
}

TEST_CASE("typed fields reject values of the wrong type", "[inventory]") {
  CHECK(yaml_error("hosts:\n  a: {port: abc}\n") ==
        "inv.yml:2:13: port: expected an integer 1-65535, got 'abc'");
  CHECK(yaml_error("hosts:\n  a: {port: 70000}\n") ==
        "inv.yml:2:13: port: expected an integer 1-65535, got '70000'");
  CHECK(yaml_error("defaults: {become: yes}\nhosts: {a: {}}\n") ==
        "inv.yml:1:20: become: expected true or false, got 'yes'");
  CHECK(yaml_error("hosts:\n  a: {user: [x]}\n") ==
        "inv.yml:2:13: user: expected a string, got a list");
  CHECK(yaml_error("hosts:\n  a: {vars: [x]}\n") ==
        "inv.yml:2:13: vars must be a mapping (key: value), not a list");
  CHECK(yaml_error("hosts:\n  a: 10.0.0.1\n") ==
        "inv.yml:2:6: host 'a' must be a mapping, e.g. 'a: {address: 10.0.0.11}', not '10.0.0.1'");
  CHECK(yaml_error("hosts: [a, b]\n") ==
        "inv.yml:1:8: 'hosts' must be a mapping (key: value), not a list");
}

TEST_CASE("duplicate keys in any map are errors that name the first one", "[inventory]") {
  CHECK(yaml_error("hosts:\n  a: {}\n  b: {}\n  a: {port: 1}\n") ==
        "inv.yml:4:3: duplicate key 'a' (first at line 2)");
  CHECK(yaml_error("hosts:\n  a:\n    vars:\n      x: 1\n      x: 2\n") ==
        "inv.yml:5:7: duplicate key 'x' (first at line 4)");
}

TEST_CASE("groups naming undefined hosts or child groups suggest the closest name", "[inventory]") {
  CHECK(yaml_error("hosts: {lab1: {}, lab2: {}}\ngroups:\n  web:\n    hosts: [lab1, lab3]\n") ==
        "inv.yml:4:19: group 'web' lists unknown host 'lab3' (did you mean 'lab1'?)");
  CHECK(yaml_error("hosts: {lab1: {}}\ngroups:\n  web: {hosts: [lab1]}\n  app:\n"
                   "    children: [wbe]\n") ==
        "inv.yml:5:16: group 'app' has unknown child group 'wbe' (did you mean 'web'?)");
  CHECK(yaml_error("hosts: {lab1: {}}\ngroups:\n  web: {}\n  app: {hosts: [web]}\n") ==
        "inv.yml:4:17: group 'app' lists unknown host 'web' ('web' is a group: list it under "
        "'children')");
}

TEST_CASE("a group cycle is an error at the reference that closes it", "[inventory]") {
  auto inv = load_inventory(k_data + "bad/cycle.yml");
  REQUIRE_FALSE(inv);
  CHECK(first_line(inv.error().message) ==
        k_data + "bad/cycle.yml:10:16: group cycle: a -> b -> c -> a");
  CHECK(yaml_error("hosts: {x: {}}\ngroups:\n  g: {children: [g]}\n") ==
        "inv.yml:3:18: group cycle: g -> g");
}

TEST_CASE("names: invalid host names, a group named all, a group named like a host",
          "[inventory]") {
  CHECK(yaml_error("hosts:\n  'web 1': {}\n") ==
        "inv.yml:2:3: invalid host name 'web 1': use letters, digits, '.', '_' and '-' only");
  CHECK(yaml_error("hosts: {a: {}}\ngroups:\n  all: {}\n") ==
        "inv.yml:3:3: 'all' is the implicit group of every host; put settings for every host "
        "under 'defaults:'");
  CHECK(yaml_error("hosts: {a: {}}\ngroups:\n  a: {}\n") ==
        "inv.yml:3:3: group 'a' has the same name as a host (inv.yml:1:9); patterns could not "
        "tell them apart");
  CHECK(yaml_error("hosts: {a: {}}\ngroups:\n  g: {hosts: [a, a]}\n") ==
        "inv.yml:3:18: group 'g' lists host 'a' twice");
}

TEST_CASE("YAML syntax errors carry the parser's line and column", "[inventory]") {
  auto inv = load_inventory(k_data + "bad/syntax.yml");
  REQUIRE_FALSE(inv);
  CHECK(inv.error().code == ExitCode::bad_input);
  CHECK(starts_with(inv.error().message, k_data + "bad/syntax.yml:3:"));
  CHECK(inv.error().message.find("YAML syntax error: ") != std::string::npos);
}

TEST_CASE("empty, missing and host-less inventories are errors", "[inventory]") {
  auto empty = load_inventory(k_data + "bad/empty.yml");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().message ==
        k_data + "bad/empty.yml: the inventory is empty; it needs at least 'hosts:' with one host");
  auto missing = load_inventory(k_data + "bad/does-not-exist.yml");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ExitCode::bad_input);
  CHECK(missing.error().message ==
        k_data + "bad/does-not-exist.yml: cannot read inventory: No such file or directory");
  CHECK(yaml_error("defaults: {user: x}\nhosts: {}\n") ==
        "inv.yml:2:8: no hosts defined; an inventory needs at least one host, e.g.");
  CHECK(yaml_error("# only a comment\n") ==
        "inv.yml:1:1: the inventory is empty; it needs at least 'hosts:'");
}

TEST_CASE("the format is chosen by extension, then by the first line", "[inventory]") {
  CHECK(detect_inventory_format("a.yml", "[web]") == InventoryFormat::yaml);
  CHECK(detect_inventory_format("a.ini", "hosts:") == InventoryFormat::ini);
  CHECK(detect_inventory_format("hosts", "# c\nhosts:\n  a: {}") == InventoryFormat::yaml);
  CHECK(detect_inventory_format("hosts", "[web]\na") == InventoryFormat::ini);
  CHECK(detect_inventory_format("hosts", "web1 ansible_host=1.2.3.4") == InventoryFormat::ini);
  CHECK(detect_inventory_format("hosts", "web1:2222") == InventoryFormat::ini);
}
