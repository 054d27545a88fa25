// `loop:` on a state: checked at load, expanded per host, one state per item with its own id.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/context.hpp"
#include "engine/host_plan.hpp"
#include "facts/facts.hpp"
#include "inventory/load.hpp"
#include "playbook/load.hpp"

using namespace forja;
namespace fs = std::filesystem;

namespace {

// A playbook written to a temp file and loaded.
class Book {
 public:
  explicit Book(const std::string& yaml) {
    char tmpl[] = "/tmp/forja-loop-test-XXXXXX";
    m_dir = ::mkdtemp(tmpl);
    std::ofstream(m_dir + "/book.yml") << yaml;
    loaded = load_playbook(m_dir + "/book.yml");
  }
  ~Book() { fs::remove_all(m_dir); }
  Result<Playbook> loaded;

 private:
  std::string m_dir;
};

// The states one host gets (host vars given as YAML flow map text).
Result<HostStates> build(const Playbook& book, const std::string& host_vars = "{}") {
  auto inv = parse_yaml_inventory("inv.yml",
                                  "hosts:\n  h1: {address: 10.0.0.1, vars: " + host_vars + "}\n");
  if (!inv) FAIL(inv.error().message);
  const auto& host = inv->hosts[0];
  auto decls = select_decls(book, *inv, host, {});
  if (!decls) return std::unexpected(decls.error());
  return build_host_states(*decls, host_context(book, *inv, host, fact_stub()), "h1");
}

std::vector<std::string> ids(const HostStates& host) {
  std::vector<std::string> out;
  for (const auto& s : host.states) out.push_back(s.id);
  return out;
}

}  // namespace

TEST_CASE("a loop over a literal list gives one state per item, with the item's id",
          "[engine][loop]") {
  Book b(
      "plays:\n  - hosts: all\n    states:\n"
      "      - user: \"{{item.name}}\"\n        shell: \"{{item.shell}}\"\n"
      "        loop:\n          - {name: alice, shell: /bin/bash}\n          - {name: bob, shell: "
      "/bin/sh}\n"
      "      - file: /etc/sudoers.d/alice\n        content: \"alice ALL=(ALL) ALL\\n\"\n"
      "        require: user[alice]\n");
  if (!b.loaded) FAIL(b.loaded.error().message);
  const auto& decl = b.loaded->plays[0].states[0];
  CHECK(decl.id == "user[{{item.name}}]");
  CHECK(decl.item_ids == std::vector<std::string>{"user[alice]", "user[bob]"});
  auto host = build(*b.loaded);
  if (!host) FAIL(host.error().message);
  CHECK(ids(*host) ==
        std::vector<std::string>{"user[alice]", "user[bob]", "file[/etc/sudoers.d/alice]"});
  CHECK(host->states[2].requires_ids == std::vector<std::string>{"user[alice]"});
}

TEST_CASE("a loop over a variable takes the host's list; requisites pair items", "[engine][loop]") {
  Book b(
      "vars:\n  admins: [alice]\n"
      "plays:\n  - hosts: all\n    states:\n"
      "      - group: \"{{item}}\"\n        loop: \"{{admins}}\"\n"
      "      - user: \"{{item}}\"\n        loop: \"{{admins}}\"\n        require: "
      "\"group[{{item}}]\"\n"
      "      - package: \"{{item}}\"\n        loop: \"{{ tools.list }}\"\n");
  if (!b.loaded) FAIL(b.loaded.error().message);
  auto host = build(*b.loaded, "{admins: [carol, dave], tools: {list: [curl]}}");
  if (!host) FAIL(host.error().message);
  CHECK(ids(*host) == std::vector<std::string>{"group[carol]", "group[dave]", "user[carol]",
                                               "user[dave]", "package[curl]"});
  CHECK(host->states[3].requires_ids == std::vector<std::string>{"group[dave]"});
  // An empty (or null) list loops zero times.
  auto none = build(*b.loaded, "{admins: [], tools: {list: }}");
  if (!none) FAIL(none.error().message);
  CHECK(none->states.empty());
}

TEST_CASE("loop errors are located, at load or for the host", "[engine][loop]") {
  struct Case {
    const char* what;
    const char* states;
    const char* expected;
  };
  const Case load_errors[] = {
      {"name without item", "      - user: alice\n        loop: [a, b]\n",
       "book.yml:4:15: user: a looped state's name must use {{item}}"},
      {"not a list", "      - user: \"{{item}}\"\n        loop: {a: 1}\n",
       "book.yml:5:15: user[{{item}}]: 'loop' is a list ([a, b]) or one variable"},
      {"text, not a variable", "      - user: \"{{item}}\"\n        loop: \"a b\"\n",
       "'loop' is a list ([a, b]) or one variable"},
      {"same ids", "      - user: \"{{item}}\"\n        loop: [a, a]\n",
       "duplicate state id 'user[a]'"},
      {"require of a later item",
       "      - file: /etc/x\n        content: x\n        require: user[a]\n"
       "      - user: \"{{item}}\"\n        loop: [a]\n",
       "requires 'user[a]', which is declared after it"},
  };
  for (const auto& c : load_errors) {
    INFO(c.what);
    Book b(std::string("plays:\n  - hosts: all\n    states:\n") + c.states);
    REQUIRE_FALSE(b.loaded);
    CHECK(b.loaded.error().code == ExitCode::bad_input);
    CHECK_THAT(b.loaded.error().message, Catch::Contains(c.expected));
  }
  Book handler(
      "plays:\n  - hosts: all\n    states: []\n    handlers:\n"
      "      - command: \"restart {{item}}\"\n        loop: [a]\n        id: h\n");
  REQUIRE_FALSE(handler.loaded);
  CHECK_THAT(handler.loaded.error().message, Catch::Contains("a handler runs once"));

  Book b(
      "plays:\n  - hosts: all\n    states:\n      - user: \"{{item}}\"\n        loop: "
      "\"{{admins}}\"\n");
  if (!b.loaded) FAIL(b.loaded.error().message);
  auto undefined = build(*b.loaded, "{admin: [a]}");
  REQUIRE_FALSE(undefined);
  CHECK_THAT(undefined.error().message,
             Catch::Contains("book.yml:5:16: user[{{item}}]: loop: undefined variable 'admins' "
                             "(did you mean 'admin'?)"));
  auto text = build(*b.loaded, "{admins: alice}");
  REQUIRE_FALSE(text);
  CHECK_THAT(text.error().message, Catch::Contains("'admins' is a string, not a list"));
  auto twice = build(*b.loaded, "{admins: [a, a]}");
  REQUIRE_FALSE(twice);
  CHECK_THAT(twice.error().message, Catch::Contains("two items of the loop give the id 'user[a]'"));
}

TEST_CASE("a handler watching a loop's id watches every item", "[engine][loop][handlers]") {
  Book b(
      "plays:\n  - hosts: all\n    states:\n"
      "      - file: \"/etc/app/{{item}}.conf\"\n        content: x\n        loop: [a, b]\n"
      "        id: confs\n"
      "    handlers:\n      - command: reload app\n        watch: confs\n        id: reload\n");
  if (!b.loaded) FAIL(b.loaded.error().message);
  auto host = build(*b.loaded);
  if (!host) FAIL(host.error().message);
  REQUIRE(host->handlers.size() == 1);
  CHECK(host->handlers[0].watch ==
        std::vector<std::string>{"file[/etc/app/a.conf]", "file[/etc/app/b.conf]"});
}
