#include <catch2/catch.hpp>

#include "engine/host_plan.hpp"
#include "playbook/load.hpp"

using namespace forja;

namespace {
std::string data(const std::string& rel) { return std::string(FORJA_TEST_DATA) + "/" + rel; }
}  // namespace

TEST_CASE("playbook loads plays, included state files, handlers and requisites", "[engine][playbook]") {
  auto book = load_playbook(data("playbooks/good/site.yml"));
  if (!book) FAIL(book.error().message);
  REQUIRE(book->plays.size() == 2);
  const auto& web = book->plays[1];
  CHECK(web.hosts == "web");
  REQUIRE(web.states.size() == 3);
  CHECK(web.states[0].id == "package[nginx,curl]");
  CHECK(web.states[1].id == "site-config");
  CHECK(web.states[1].notify == std::vector<std::string>{"reload-web"});
  REQUIRE(web.handlers.size() == 1);
  CHECK(web.handlers[0].id == "reload-web");
}

TEST_CASE("playbook errors name file:line:col and suggest", "[engine][playbook]") {
  struct Case {
    const char* file;
    const char* expected;
  };
  Case cases[] = {
      {"bad/unknown_type.yml", "unknown_type.yml:4:7: unknown resource type 'pakage' (did you mean 'package'?)"},
      {"bad/unknown_arg.yml", "unknown_arg.yml:5:7: file: unknown argument 'contnet' (did you mean 'content'?)"},
      {"bad/unknown_require.yml", "unknown_require.yml:5:7: file[/etc/motd]: requires unknown state 'package[curll]' (did you mean 'package[curl]'?)"},
      {"bad/duplicate_key.yml", "duplicate_key.yml:6:7: duplicate key 'content' (first at line 5)"},
      {"bad/unknown_handler.yml", "notifies unknown handler 'restart-nginx'"},
      {"bad/unquoted_template.yml", "must be quoted"},
      {"bad/missing_required.yml", "missing required argument 'src'"},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    auto book = load_playbook(data(std::string("playbooks/") + c.file));
    REQUIRE_FALSE(book);
    CHECK(book.error().code == ExitCode::bad_input);
    CHECK_THAT(book.error().message, Catch::Contains(c.expected));
  }
}

TEST_CASE("states render with host variables; wrong types after rendering are located errors",
          "[engine][playbook]") {
  auto book = load_playbook(data("playbooks/good/site.yml"));
  if (!book) FAIL(book.error().message);
  HostDecls decls;
  for (const auto& s : book->plays[1].states) decls.states.push_back(&s);
  for (const auto& h : book->plays[1].handlers) decls.handlers.push_back(&h);
  YAML::Node ctx;
  ctx["motd"] = "hello from {{x}}";  // values are not re-rendered
  ctx["site_mode"] = "0640";
  auto built = build_host_states(decls, ctx, "h1");
  REQUIRE(built);
  Platform debian{"debian", "debian", "12", "apt", "systemd"};
  auto change = built->states[1].resource->plan({ProbeOutput{0, "missing\n"}}, debian);
  REQUIRE(change);
  CHECK(change->kind == ChangeKind::change);
  CHECK_THAT(change->diff, Catch::Contains("+hello from {{x}}"));
  CHECK_THAT(change->summary, Catch::Contains("mode 0640"));
  ctx["site_mode"] = "rw-r--r--";
  auto bad = build_host_states(decls, ctx, "h1");
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::Contains("'mode' must be an octal mode"));
  CHECK_THAT(bad.error().message, Catch::Contains("states/web.yml:4:11:"));
}

TEST_CASE("an undefined variable in a state names the variable and the place", "[engine][playbook]") {
  auto book = load_playbook(data("playbooks/good/site.yml"));
  if (!book) FAIL(book.error().message);
  HostDecls decls;
  for (const auto& s : book->plays[1].states) decls.states.push_back(&s);
  for (const auto& h : book->plays[1].handlers) decls.handlers.push_back(&h);
  YAML::Node ctx;
  ctx["site_mode"] = "0644";  // motd missing
  auto built = build_host_states(decls, ctx, "h1");
  REQUIRE_FALSE(built);
  CHECK_THAT(built.error().message, Catch::Contains("undefined variable 'motd'"));
}

TEST_CASE("a service waits for the package that provides it", "[engine][plan]") {
  auto book = load_playbook(data("playbooks/good/site.yml"));
  if (!book) FAIL(book.error().message);
  HostDecls decls;
  for (const auto& s : book->plays[1].states) decls.states.push_back(&s);
  for (const auto& h : book->plays[1].handlers) decls.handlers.push_back(&h);
  YAML::Node ctx;
  ctx["motd"] = "m";
  ctx["site_mode"] = "0644";
  auto built = build_host_states(decls, ctx, "h1");
  REQUIRE(built);
  built->states[0].change.kind = ChangeKind::change;
  CHECK(changing_prerequisites(*built, 2) == std::vector<std::string>{"package[nginx,curl]"});
}

#include "engine/context.hpp"
#include "facts/facts.hpp"
#include "inventory/load.hpp"

TEST_CASE("site.yml validates for every host of the lab and of the Vagrant inventories", "[engine][site]") {
  std::string root = FORJA_SOURCE_DIR;
  auto book = load_playbook(root + "/playbooks/site.yml");
  if (!book) FAIL(book.error().message);
  for (const char* name : {"lab.yml", "vagrant.yml", "vagrant-lab.yml"}) {
    INFO(name);
    auto inventory = load_inventory(root + "/inventories/" + name);
    if (!inventory) FAIL(inventory.error().message);
    for (auto& host : inventory->hosts) {
      // The Vagrant inventory ships placeholders where HashiCorp's checksums go.
      if (host.vars["consul_sha256"]) host.vars["consul_sha256"] = std::string(64, 'a');
      if (host.vars["consul_template_sha256"]) host.vars["consul_template_sha256"] = std::string(64, 'b');
      auto decls = select_decls(*book, *inventory, host, {});
      REQUIRE(decls);
      CHECK_FALSE(decls->states.empty());
      auto built = build_host_states(*decls, host_context(*book, *inventory, host, fact_stub()), host.name);
      if (!built) FAIL(host.name + ": " + built.error().message);
    }
  }
}

#include "template/render.hpp"

TEST_CASE("site.yml's verify asks discovery_url, else Consul on the host of group discovery",
          "[engine][site]") {
  std::string root = FORJA_SOURCE_DIR;
  auto book = load_playbook(root + "/playbooks/site.yml");
  if (!book) FAIL(book.error().message);
  // The endpoint of a verify entry, rendered for one host of an inventory.
  auto endpoint = [&](const std::string& inventory_file, const std::string& type,
                      const std::string& host_name, const std::string& address) {
    auto inventory = load_inventory(root + "/inventories/" + inventory_file);
    if (!inventory) FAIL(inventory.error().message);
    for (auto& h : inventory->hosts) h.connection.address = address + h.name.substr(h.name.size() - 1);
    const Host* host = inventory->find_host(host_name);
    REQUIRE(host);
    for (const auto& decl : book->verify) {
      if (decl.type != type) continue;
      auto out = render_template(decl.node["endpoint"].Scalar(),
                                 host_context(*book, *inventory, *host, fact_stub()), decl.where);
      if (!out) FAIL(out.error().message);
      return *out;
    }
    FAIL("no verify entry " + type);
    return std::string();
  };
  // vagrant-lab.yml sets no discovery_url: consul-1's address (10.0.0.1 here) is asked.
  CHECK(endpoint("vagrant-lab.yml", "discovery", "consul-1", "10.0.0.") == "http://10.0.0.1:8500");
  CHECK(endpoint("vagrant-lab.yml", "lb_spread", "lb-1", "10.0.0.") == "http://10.0.0.1:8500");
  CHECK(endpoint("lab.yml", "discovery", "lab1", "10.9.9.") == "http://10.77.0.11:8500");
  CHECK(endpoint("lab.yml", "lb_spread", "lab4", "10.9.9.") == "http://10.77.0.11:8500");
}

TEST_CASE("tags select states; handlers stay available", "[engine][playbook]") {
  auto book = load_playbook(data("playbooks/good/site.yml"));
  if (!book) FAIL(book.error().message);
  Inventory inventory;
  Host web;
  web.name = "w1";
  web.groups = {"all", "web"};
  inventory.hosts.push_back(web);
  Group g;
  g.name = "web";
  g.hosts = {"w1"};
  inventory.groups["web"] = g;
  Group all;
  all.name = "all";
  all.children = {"web"};
  inventory.groups["all"] = all;
  auto everything = select_decls(*book, inventory, inventory.hosts[0], {});
  if (!everything) FAIL(everything.error().message);
  CHECK(everything->states.size() == 4);
  auto tagged = select_decls(*book, inventory, inventory.hosts[0], {"config"});
  REQUIRE(tagged);
  REQUIRE(tagged->states.size() == 1);
  CHECK(tagged->states[0]->id == "site-config");
  CHECK(tagged->handlers.size() == 1);
}
