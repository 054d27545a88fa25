#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "inventory/load.hpp"
#include "inventory/vagrant_inventory.hpp"
#include "inventory/vagrant_ssh_config.hpp"

using namespace forja;

namespace {

const std::string k_data = std::string(FORJA_TEST_DATA) + "/vagrant/";

std::string read(const std::string& name) {
  std::ifstream f(k_data + name);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string config_error(const std::string& text) {
  auto parsed = parse_vagrant_ssh_config(text, "ssh-config");
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == ExitCode::bad_input);
  return first_line(parsed.error().message);
}

const char* const k_topology = R"(defaults:
  become: true
hosts:
  web-1: {address: 192.168.33.11}
  lb-1:
groups:
  web:
    hosts: [web-1]
  lb:
    hosts: [lb-1]
    vars:
      lb_port: "8080"
)";

VagrantMachine machine(std::string name, std::string host_name, int port) {
  VagrantMachine m;
  m.name = std::move(name);
  m.host_name = std::move(host_name);
  m.port = port;
  m.user = "vagrant";
  m.identity_file = "/keys/" + m.name;
  return m;
}

}  // namespace

TEST_CASE("vagrant ssh-config as VirtualBox writes it: every machine, host keys not checked",
          "[inventory][vagrant]") {
  // Rendered the way Vagrant 2.3.4 renders it (its commands/ssh_config/config.erb through
  // Erubi, trim: true, as Vagrant::Util::TemplateRenderer does) with the values its VirtualBox
  // provider reports: NAT port forwards on 127.0.0.1, verify_host_key :never. Not recorded
  // from VirtualBox itself: there is none on this machine.
  auto machines = parse_vagrant_ssh_config(read("ssh-config-virtualbox.txt"), "vb.txt");
  if (!machines) FAIL(machines.error().message);
  REQUIRE(machines->size() == 4);
  const auto& web1 = (*machines)[0];
  CHECK(web1.name == "web-1");
  CHECK(web1.host_name == "127.0.0.1");
  CHECK(web1.port == 2222);
  CHECK(web1.user == "vagrant");
  CHECK(web1.identity_file == "/home/ana/seeds/.vagrant/machines/web-1/virtualbox/private_key");
  CHECK(web1.known_hosts == "/dev/null");
  CHECK(web1.strict_host_keys == "no");
  CHECK(web1.where.str() == "vb.txt:1:1");
  CHECK_FALSE(names_checked_host_keys(web1));
  CHECK((*machines)[1].name == "web-2");
  CHECK((*machines)[1].port == 2200);
  CHECK((*machines)[2].name == "consul-1");
  CHECK((*machines)[3].name == "lb-1");
  CHECK((*machines)[3].port == 2202);
  CHECK((*machines)[3].where.str() == "vb.txt:34:1");
}

TEST_CASE("vagrant ssh-config of the forja_lab provider: its Include names the lab's known_hosts",
          "[inventory][vagrant]") {
  // Recorded: `vagrant ssh-config` (Debian's vagrant 2.3.4) for the Vagrantfile's machines on
  // vagrant/forja_lab.rb, and the file its Include names.
  auto machines = parse_vagrant_ssh_config(read("ssh-config-forja-lab.txt"), "lab.txt");
  if (!machines) FAIL(machines.error().message);
  REQUIRE(machines->size() == 4);
  auto& lb = (*machines)[3];
  CHECK(lb.name == "lb-1");
  CHECK(lb.host_name == "10.77.0.54");
  CHECK(lb.port == 22);
  CHECK(lb.identity_file == "/var/lib/forja-lab/id_ed25519");
  REQUIRE(lb.includes.size() == 1);
  CHECK(lb.includes[0].ends_with("/machines/lb-1/forja_lab/ssh_config"));
  CHECK(lb.known_hosts.empty());
  CHECK_FALSE(names_checked_host_keys(lb));
  REQUIRE(apply_ssh_include(lb, read("forja-lab-ssh-config.txt"), "inc"));
  CHECK(lb.known_hosts == "/var/lib/forja-lab/known_hosts");
  CHECK(lb.strict_host_keys == "yes");
  CHECK(names_checked_host_keys(lb));
}

TEST_CASE("ssh-config values: Keyword=value, quotes, case, the first IdentityFile",
          "[inventory][vagrant]") {
  auto machines = parse_vagrant_ssh_config(
      "host a\n  HOSTNAME=10.0.0.5\n  port = 2200\n  IdentityFile \"/home/a b/key\"\n"
      "  IdentityFile /second\n  UserKnownHostsFile /k\n  # comment\n\n",
      "c");
  if (!machines) FAIL(machines.error().message);
  REQUIRE(machines->size() == 1);
  CHECK((*machines)[0].host_name == "10.0.0.5");
  CHECK((*machines)[0].port == 2200);
  CHECK((*machines)[0].identity_file == "/home/a b/key");
  CHECK((*machines)[0].known_hosts == "/k");
  CHECK(names_checked_host_keys((*machines)[0]));  // ssh's default StrictHostKeyChecking: ask
}

TEST_CASE("bad ssh-config text is a located error", "[inventory][vagrant]") {
  CHECK(config_error("  HostName 1.2.3.4\nHost a\n") ==
        "ssh-config:1:3: 'HostName 1.2.3.4' before any Host line; is this `vagrant ssh-config` "
        "output?");
  CHECK(config_error("Host a\n  HostName 1.2.3.4\n  Port 70000\n") ==
        "ssh-config:3:8: Port must be 1..65535, not '70000'");
  CHECK(config_error("Host a\n  Port 22\nHost b\n  HostName x\n") ==
        "ssh-config:1:1: machine 'a' has no HostName");
  CHECK(config_error("Host a\n  HostName x\nHost a\n  HostName y\n") ==
        "ssh-config:3:6: machine 'a' is described twice");
  CHECK(config_error("Host a b\n  HostName x\n") ==
        "ssh-config:1:6: Host names 2 patterns; vagrant ssh-config writes one machine name");
  CHECK(config_error("Host a\n  IdentityFile \"/x\n") ==
        "ssh-config:2:16: unterminated quoted value");
  CHECK(config_error("Host a\n  User\n") == "ssh-config:2:3: no value after 'user'");
  CHECK(config_error("\n# nothing\n") ==
        "ssh-config: no machine (no Host line); is any machine of the Vagrantfile created?");
  VagrantMachine m = machine("a", "x", 22);
  auto inc = apply_ssh_include(m, "Host other\n", "inc");
  REQUIRE_FALSE(inc);
  CHECK(first_line(inc.error().message) ==
        "inc:1:1: a file a machine's block includes must not open Host or Match blocks of its own");
}

TEST_CASE("inventory from Vagrant: the topology's groups, ssh-config's connections",
          "[inventory][vagrant]") {
  auto web = machine("web-1", "10.77.0.51", 22);
  web.known_hosts = "/var/lib/forja-lab/known_hosts";
  web.strict_host_keys = "yes";
  auto lb = machine("lb-1", "10.77.0.54", 2222);
  auto out = vagrant_inventory("topo.yml", k_topology, {web, lb}, {"/p/.vagrant/kh"});
  if (!out) FAIL(out.error().message);
  auto inv = parse_yaml_inventory("out.yml", out->text);
  if (!inv) FAIL(inv.error().message + "\n" + out->text);
  const Host* w = inv->find_host("web-1");
  REQUIRE(w);
  CHECK(w->connection.address == "10.77.0.51");  // ssh-config's, not the topology's
  CHECK(w->connection.port == 22);
  CHECK(w->connection.user == "vagrant");
  CHECK(w->connection.key_file == "/keys/web-1");
  CHECK(w->connection.known_hosts == "/var/lib/forja-lab/known_hosts");
  CHECK(w->connection.become);
  CHECK(w->groups == std::vector<std::string>{"all", "web"});
  const Host* l = inv->find_host("lb-1");
  REQUIRE(l);
  CHECK(l->connection.address == "10.77.0.54");
  CHECK(l->connection.port == 2222);
  CHECK(l->connection.known_hosts == "/p/.vagrant/kh");  // ssh-config named none
  CHECK(l->vars["lb_port"].Scalar() == "8080");
  REQUIRE(out->notes.size() == 1);
  CHECK(out->notes[0] ==
        "vagrant ssh-config names no known_hosts file for lb-1 (UserKnownHostsFile /dev/null): "
        "their host keys are kept in /p/.vagrant/kh; the first run records them with "
        "--accept-new-host-keys, after that a changed key stops the run");
}

TEST_CASE("inventory from Vagrant: a forwarded loopback port keeps the private address",
          "[inventory][vagrant]") {
  auto machines = parse_vagrant_ssh_config(read("ssh-config-virtualbox.txt"), "vb.txt");
  REQUIRE(machines);
  machines->erase(machines->begin() + 1, machines->begin() + 3);  // web-1 and lb-1
  auto out = vagrant_inventory("topo.yml", k_topology, *machines, {"/p/kh"});
  if (!out) FAIL(out.error().message);
  auto inv = parse_yaml_inventory("out.yml", out->text);
  REQUIRE(inv);
  const Host* w = inv->find_host("web-1");
  CHECK(w->connection.address == "192.168.33.11");
  CHECK(w->connection.port == 22);
  CHECK(w->connection.key_file == "/home/ana/seeds/.vagrant/machines/web-1/virtualbox/private_key");
  CHECK(w->connection.known_hosts == "/p/kh");
  // The topology gives lb-1 no address: ssh-config's forwarded port is all there is.
  const Host* l = inv->find_host("lb-1");
  CHECK(l->connection.address == "127.0.0.1");
  CHECK(l->connection.port == 2202);
  REQUIRE(out->notes.size() == 2);
  CHECK(
      out->notes[0].ends_with("forja connects to their topology address on port 22 instead: "
                              "web-1 192.168.33.11"));
}

TEST_CASE("inventory from Vagrant: every host a machine, every machine a host",
          "[inventory][vagrant]") {
  auto missing = vagrant_inventory("topo.yml", k_topology,
                                   {machine("web-1", "x", 22), machine("db-7", "y", 22)}, {"/kh"});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ExitCode::bad_input);
  CHECK(first_line(missing.error().message) ==
        "topo.yml:5:3: host 'lb-1' is no machine of `vagrant ssh-config` (did you mean "
        "'web-1'?) (machines: web-1, db-7)");
  auto extra = vagrant_inventory(
      "topo.yml", k_topology,
      {machine("web-1", "x", 22), machine("lb-1", "y", 22), machine("db", "z", 22)}, {"/kh"});
  REQUIRE_FALSE(extra);
  CHECK(extra.error().message ==
        "topo.yml: machine db of `vagrant ssh-config` in no host of the topology: add each "
        "under hosts: and to its groups");
  auto typo = vagrant_inventory("topo.yml", k_topology,
                                {machine("web-1", "x", 22), machine("lb-2", "y", 22)}, {"/kh"});
  REQUIRE_FALSE(typo);
  CHECK(first_line(typo.error().message) ==
        "topo.yml:5:3: host 'lb-1' is no machine of `vagrant ssh-config` (did you mean "
        "'lb-2'?) (machines: web-1, lb-2)");
  auto bad = vagrant_inventory("topo.yml", "hosts:\n  a: {adress: 1}\n", {}, {"/kh"});
  REQUIRE_FALSE(bad);
  CHECK(first_line(bad.error().message).starts_with("topo.yml:2:7: unknown key 'adress'"));
}
