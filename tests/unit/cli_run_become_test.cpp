// forja run and the inventory's become: as Ansible's ad-hoc commands, each host's inventory
// decides whether the command goes through sudo; --become and --no-become decide for all.
#include <catch2/catch.hpp>

#include "cli/run_become.hpp"
#include "inventory/load.hpp"
#include "transport/remote_exec.hpp"

using namespace forja;

namespace {

// Whether `forja run` starts the command under sudo on `host`, with the command line's choice.
bool runs_through_sudo(const Host& host, BecomeChoice choice) {
  const Command command{{"id", "-u"}, "", Privilege::become};
  auto inv = prepare_invocation(command, run_connection(host.connection, choice), "n");
  REQUIRE(inv);
  return !inv->argv.empty() && inv->argv.front() == "sudo";
}

}  // namespace

TEST_CASE("forja run takes become from the inventory unless the command line decides",
          "[cli][run]") {
  auto inv = parse_ini_inventory("h.ini",
                                 "[root]\nr1 ansible_become=yes ansible_become_user=app\n"
                                 "[plain]\np1\np2 ansible_become=false\n");
  REQUIRE(inv);
  const Host& r1 = *inv->find_host("r1");
  const Host& p1 = *inv->find_host("p1");
  const Host& p2 = *inv->find_host("p2");

  CHECK(runs_through_sudo(r1, BecomeChoice::inventory));
  CHECK_FALSE(runs_through_sudo(p1, BecomeChoice::inventory));
  CHECK_FALSE(runs_through_sudo(p2, BecomeChoice::inventory));

  CHECK(runs_through_sudo(p1, BecomeChoice::always));
  CHECK(runs_through_sudo(p2, BecomeChoice::always));
  CHECK_FALSE(runs_through_sudo(r1, BecomeChoice::never));

  // The inventory's become_user stays whoever decides to become.
  CHECK(run_connection(r1.connection, BecomeChoice::always).become_user == "app");
  CHECK(run_connection(p1.connection, BecomeChoice::always).become_user == "root");
}

TEST_CASE("forja's own YAML become applies to forja run too", "[cli][run]") {
  auto inv = parse_yaml_inventory(
      "h.yml", "defaults: {become: true}\nhosts:\n  a: {}\n  b: {become: false}\n");
  REQUIRE(inv);
  CHECK(runs_through_sudo(*inv->find_host("a"), BecomeChoice::inventory));
  CHECK_FALSE(runs_through_sudo(*inv->find_host("b"), BecomeChoice::inventory));
}
