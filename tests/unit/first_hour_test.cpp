// What a new user meets in the first hour (issue 17): paths in every form, --tags and --limit
// that select nothing, plays that target no host, lists where text belongs, -e variables.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "cli/extra_vars.hpp"
#include "engine/context.hpp"
#include "engine/host_plan.hpp"
#include "engine/selection.hpp"
#include "facts/facts.hpp"
#include "inventory/load.hpp"
#include "playbook/load.hpp"

using namespace forja;
namespace fs = std::filesystem;

namespace {

// A fresh directory, removed at the end; the current directory is restored too.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/forja-first-hour-XXXXXX";
    m_path = ::mkdtemp(tmpl);
    m_cwd = fs::current_path();
  }
  ~TempDir() {
    fs::current_path(m_cwd);
    fs::remove_all(m_path);
  }
  [[nodiscard]] const std::string& path() const { return m_path; }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories(fs::path(m_path + "/" + rel).parent_path());
    std::ofstream(m_path + "/" + rel) << text;
  }

 private:
  std::string m_path;
  fs::path m_cwd;
};

Inventory inventory_of(const std::string& yaml) {
  auto inv = parse_yaml_inventory("inv.yml", yaml);
  if (!inv) FAIL(inv.error().message);
  return std::move(*inv);
}

// Build every state of `book` for host `name` of `inventory`, as validation does.
Result<HostStates> build_for(const Playbook& book, const Inventory& inventory,
                             const std::string& name) {
  const Host* host = inventory.find_host(name);
  REQUIRE(host);
  auto decls = select_decls(book, inventory, *host, {});
  if (!decls) return std::unexpected(decls.error());
  return build_host_states(*decls, host_context(book, inventory, *host, fact_stub()), name);
}

const char* k_two_groups =
    "hosts:\n  w1: {address: 10.0.0.1}\n  w2: {address: 10.0.0.2}\n  db1: {address: 10.0.0.3}\n"
    "groups:\n  web: {hosts: [w1, w2]}\n  db: {hosts: [db1]}\n";

}  // namespace

TEST_CASE("a playbook's paths work given bare, relative, absolute or through a symlink",
          "[engine][playbook][paths]") {
  TempDir dir;
  dir.write(
      "project/redis.yml",
      "plays:\n  - hosts: all\n    states:\n      - template: /etc/redis/redis.conf\n"
      "        src: redis.conf.mustache\n      - file: /etc/motd\n        source: files/motd\n"
      "  - hosts: all\n    states: states/more.yml\n");
  dir.write("project/templates/redis.conf.mustache", "port {{redis_port}}\n");
  dir.write("project/files/motd", "hello\n");
  dir.write("project/states/more.yml", "- template: /etc/other.conf\n  src: redis.conf.mustache\n");
  dir.write("elsewhere/.keep", "");
  fs::create_symlink(dir.path() + "/project/redis.yml", dir.path() + "/elsewhere/linked.yml");
  auto inventory = inventory_of(
      "hosts:\n  h1: {address: 10.0.0.1}\ndefaults:\n  vars: {redis_port: \"6379\"}\n");
  struct Form {
    const char* what;
    std::string cwd;
    std::string path;
  };
  const Form forms[] = {
      {"bare", dir.path() + "/project", "redis.yml"},
      {"relative", dir.path(), "project/redis.yml"},
      {"dot-relative", dir.path() + "/project", "./redis.yml"},
      {"parent-relative", dir.path() + "/elsewhere", "../project/redis.yml"},
      {"absolute", "/", dir.path() + "/project/redis.yml"},
      {"symlink", dir.path() + "/elsewhere", "linked.yml"},
  };
  for (const auto& form : forms) {
    INFO(form.what << ": " << form.path << " from " << form.cwd);
    fs::current_path(form.cwd);
    auto book = load_playbook(form.path);
    if (!book) FAIL(book.error().message);
    auto built = build_for(*book, inventory, "h1");
    if (!built) FAIL(built.error().message);
    REQUIRE(built->states.size() == 3);
    CHECK(built->states[0].id == "template[/etc/redis/redis.conf]");
    CHECK(built->states[2].id == "template[/etc/other.conf]");
  }
}

TEST_CASE("a --tags tag that no state has is bad input with a suggestion", "[engine][selection]") {
  TempDir dir;
  dir.write("book.yml",
            "plays:\n  - hosts: web\n    states:\n      - file: /etc/app.conf\n        content: x\n"
            "        tags: [config]\n      - package: curl\n        tags: [packages]\n"
            "  - hosts: db\n    states:\n      - file: /etc/db.conf\n        content: y\n        "
            "tags: [db]\n");
  auto book = load_playbook(dir.path() + "/book.yml");
  if (!book) FAIL(book.error().message);
  auto inventory = inventory_of(k_two_groups);
  auto typo = select_run(*book, inventory, "", {"confg"});
  REQUIRE_FALSE(typo);
  CHECK(typo.error().code == ExitCode::bad_input);
  CHECK_THAT(typo.error().message, Catch::Contains("--tags confg: no state of") &&
                                       Catch::Contains("(did you mean 'config'?)") &&
                                       Catch::Contains("its tags: config, db, packages"));
  // Tags that exist, but on no state of the chosen hosts, select nothing either.
  auto elsewhere = select_run(*book, inventory, "db1", {"config"});
  REQUIRE_FALSE(elsewhere);
  CHECK_THAT(elsewhere.error().message,
             Catch::Contains("--tags config: no state with these tags targets db1 (--limit db1)"));
  auto good = select_run(*book, inventory, "", {"config"});
  if (!good) FAIL(good.error().message);
  REQUIRE(good->hosts.size() == 3);
  CHECK(good->decls[0].states.size() == 1);
  CHECK(good->decls[2].states.empty());
}

TEST_CASE("a --limit that leaves no host is bad input that says why", "[engine][selection]") {
  TempDir dir;
  dir.write("book.yml", "plays:\n  - hosts: web\n    states:\n      - package: curl\n");
  auto book = load_playbook(dir.path() + "/book.yml");
  if (!book) FAIL(book.error().message);
  auto inventory = inventory_of(k_two_groups);
  auto typo = select_run(*book, inventory, "w3", {});
  REQUIRE_FALSE(typo);
  CHECK(typo.error().code == ExitCode::bad_input);
  CHECK_THAT(typo.error().message, Catch::Contains("--limit: host pattern 'w3': no host or group "
                                                   "named 'w3' (did you mean"));
  auto empty = select_run(*book, inventory, "web:&db", {});
  REQUIRE_FALSE(empty);
  CHECK_THAT(empty.error().message, Catch::Contains("--limit web:&db: matches no host"));
  auto untargeted = select_run(*book, inventory, "db", {});
  REQUIRE_FALSE(untargeted);
  CHECK_THAT(untargeted.error().message,
             Catch::Contains("--limit db: matches db1, which no play of") &&
                 Catch::Contains("targets (its plays target: w1, w2)"));
  auto good = select_run(*book, inventory, "w2", {});
  if (!good) FAIL(good.error().message);
  REQUIRE(good->hosts.size() == 1);
  CHECK(good->hosts[0]->name == "w2");
}

TEST_CASE("a play whose hosts this inventory lacks is skipped with a note, not the run's end",
          "[engine][selection]") {
  TempDir dir;
  dir.write("book.yml",
            "plays:\n  - hosts: lb\n    states:\n      - package: haproxy\n"
            "  - hosts: webb\n    states:\n      - package: nginx\n"
            "  - hosts: web\n    states:\n      - package: curl\n"
            "  - hosts: \"web:&db\"\n    states:\n      - package: jq\n");
  auto book = load_playbook(dir.path() + "/book.yml");
  if (!book) FAIL(book.error().message);
  auto inventory = inventory_of(k_two_groups);
  auto run = select_run(*book, inventory, "", {});
  if (!run) FAIL(run.error().message);
  REQUIRE(run->hosts.size() == 2);
  // Names the inventory has that select nothing (web:&db) are no typo: no note for them.
  CHECK(run->decls[0].states.size() == 1);
  REQUIRE(run->notes.size() == 2);
  CHECK_THAT(run->notes[0], Catch::Contains("book.yml:2:5: play 'lb' skipped, inv.yml has none of "
                                            "its hosts: no host or group named 'lb'"));
  CHECK_THAT(run->notes[1], Catch::Contains("(did you mean 'web'?)"));
  // A playbook none of whose plays targets a host of the inventory is still bad input.
  dir.write("none.yml", "plays:\n  - hosts: lb\n    states:\n      - package: haproxy\n");
  auto none_book = load_playbook(dir.path() + "/none.yml");
  if (!none_book) FAIL(none_book.error().message);
  auto none = select_run(*none_book, inventory, "", {});
  REQUIRE_FALSE(none);
  CHECK(none.error().code == ExitCode::bad_input);
  CHECK_THAT(none.error().message,
             Catch::Contains("targets a host of inv.yml") && Catch::Contains("play 'lb' skipped"));
  // A malformed pattern stays an error.
  dir.write("bad.yml", "plays:\n  - hosts: \"web:\"\n    states:\n      - package: haproxy\n");
  auto bad_book = load_playbook(dir.path() + "/bad.yml");
  if (!bad_book) FAIL(bad_book.error().message);
  auto bad = select_run(*bad_book, inventory, "", {});
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::Contains("empty term"));
}

TEST_CASE("a list or a map rendered where text belongs is a located error", "[engine][template]") {
  TempDir dir;
  dir.write("book.yml",
            "vars:\n  admins: [alice, bob]\n  db: {name: app, port: \"5432\"}\n  nothing:\n"
            "plays:\n  - hosts: all\n    states:\n      - user: \"{{admins}}\"\n");
  dir.write("map.yml",
            "vars:\n  db: {name: app, port: \"5432\"}\n"
            "plays:\n  - hosts: all\n    states:\n      - file: /etc/db.conf\n        content: "
            "\"port={{db}}\"\n");
  dir.write("fine.yml",
            "vars:\n  admins: [alice, bob]\n  db: {name: app}\n  nothing:\n"
            "plays:\n  - hosts: all\n    states:\n      - file: /etc/admins\n"
            "        content: \"{{#admins}}{{.}} {{/admins}}{{db.name}}{{nothing}}\"\n");
  auto inventory = inventory_of("hosts:\n  h1: {address: 10.0.0.1}\n");
  auto list = load_playbook(dir.path() + "/book.yml");
  if (!list) FAIL(list.error().message);
  auto built = build_for(*list, inventory, "h1");
  REQUIRE_FALSE(built);
  CHECK(built.error().code == ExitCode::bad_input);
  CHECK_THAT(
      built.error().message,
      Catch::Contains(
          "book.yml:8:16: 'admins' is a list, which renders as nothing where text belongs") &&
          Catch::Contains("loop: \"{{admins}}\""));
  auto map = load_playbook(dir.path() + "/map.yml");
  if (!map) FAIL(map.error().message);
  auto map_built = build_for(*map, inventory, "h1");
  REQUIRE_FALSE(map_built);
  CHECK_THAT(map_built.error().message,
             Catch::Contains("map.yml:7:24: 'db' is a map") && Catch::Contains("({{db.KEY}})"));
  // Sections walk lists, a dotted name reads one value, a null renders as nothing.
  auto fine = load_playbook(dir.path() + "/fine.yml");
  if (!fine) FAIL(fine.error().message);
  auto fine_built = build_for(*fine, inventory, "h1");
  if (!fine_built) FAIL(fine_built.error().message);
}

TEST_CASE("-e sets variables above every other, from KEY=VALUE or a YAML file in any path form",
          "[cli][extra_vars]") {
  TempDir dir;
  dir.write("vars/extra.yml", "port: \"7000\"\nadmins: [carol]\n");
  fs::create_symlink(dir.path() + "/vars/extra.yml", dir.path() + "/linked.yml");
  fs::current_path(dir.path() + "/vars");
  for (const std::string& file :
       {std::string("extra.yml"), std::string("./extra.yml"), std::string("../vars/extra.yml"),
        dir.path() + "/vars/extra.yml", std::string("../linked.yml")}) {
    INFO(file);
    auto vars = parse_extra_vars({"@" + file, "port=8000"});
    if (!vars) FAIL(vars.error().message);
    CHECK((*vars)["port"].Scalar() == "8000");  // a later -e wins
    CHECK((*vars)["admins"][0].Scalar() == "carol");
  }
  auto bad = parse_extra_vars({"port"});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ExitCode::bad_input);
  CHECK_THAT(bad.error().message, Catch::Contains("-e port: expected KEY=VALUE or @FILE.yml"));
  dir.write("vars/list.yml", "- a\n- b\n");
  auto not_map = parse_extra_vars({"@list.yml"});
  REQUIRE_FALSE(not_map);
  CHECK_THAT(not_map.error().message,
             Catch::Contains("list.yml:1:1: -e @list.yml: expected a map"));
  CHECK_FALSE(parse_extra_vars({"@missing.yml"}));

  // Precedence: playbook vars < inventory (defaults < groups < host) < -e.
  dir.write("book.yml",
            "vars:\n  port: \"1000\"\n  from_book: b\n"
            "plays:\n  - hosts: all\n    states:\n      - file: /etc/x\n        content: x\n");
  auto book = load_playbook(dir.path() + "/book.yml");
  if (!book) FAIL(book.error().message);
  auto inventory = inventory_of(
      "defaults:\n  vars: {port: \"2000\"}\nhosts:\n  h1: {address: 10.0.0.1, vars: {port: "
      "\"3000\"}}\n");
  const Host& h1 = inventory.hosts[0];
  CHECK(host_context(*book, inventory, h1, fact_stub())["port"].Scalar() == "3000");
  book->extra_vars = *parse_extra_vars({"port=9000"});
  auto ctx = host_context(*book, inventory, h1, fact_stub());
  CHECK(ctx["port"].Scalar() == "9000");
  CHECK(ctx["from_book"].Scalar() == "b");
  CHECK(ctx["groups"]["all"][0]["port"].Scalar() == "9000");  // other hosts see it too
}
