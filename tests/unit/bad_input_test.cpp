// Bad input never crashes, hangs or eats memory: each case goes through the fuzz targets' entry
// points (tests/fuzz/entry.hpp) and must give a located bad_input error, or succeed.
#include <catch2/catch.hpp>
#include <filesystem>

#include "engine/notify_store.hpp"
#include "entry.hpp"
#include "inventory/load.hpp"
#include "inventory/raw.hpp"

using namespace forja;

namespace {

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// The first line of the error; the scratch directory of the playbook target is left out, so
// "/tmp/forja-fuzz-1/playbook.yml:4:9: ..." reads "playbook.yml:4:9: ...".
std::string error_of(const Result<void>& r) {
  REQUIRE_FALSE(r);
  CHECK(fuzz::acceptable(r));
  std::string m = r.error().message.substr(0, r.error().message.find('\n'));
  if (auto at = m.find("/playbook.yml:"); at != std::string::npos) m = m.substr(at + 1);
  return m;
}

// A playbook with one play on every host whose states are `states` (YAML lines, indented 6).
std::string play(const std::string& states) {
  return "plays:\n  - hosts: all\n    states:\n" + states;
}

// "l0: &l0 [x,x,...]" then each level a list of `width` aliases of the one before.
std::string laughs(int levels, int width, const std::string& indent) {
  std::string s = indent + "l0: &l0 [" + repeat("x,", width - 1) + "x]\n";
  for (int i = 1; i < levels; ++i) {
    std::string items;
    for (int k = 0; k < width; ++k) items += (k ? ",*l" : "*l") + std::to_string(i - 1);
    s += indent + "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + items + "]\n";
  }
  return s;
}

}  // namespace

TEST_CASE("an alias that contains itself is an error at its anchor", "[bad-input][yaml]") {
  CHECK(error_of(fuzz::yaml_inventory("hosts:\n  a: {vars: {x: &x [*x]}}\n")) ==
        "fuzz.yml:2:17: nested more than 64 levels deep (or an alias that contains itself)");
  CHECK(error_of(fuzz::yaml_inventory("hosts:\n  a: {vars: {x: &x {b: *x}}}\n"))
            .starts_with("fuzz.yml:2:21: nested more than 64 levels deep"));
  CHECK(error_of(fuzz::playbook("vars:\n  x: &x [*x]\n" + play("      - package: curl\n")))
            .starts_with("playbook.yml:2:6: nested more than 64 levels deep"));
}

TEST_CASE("alias fan-out (billion laughs) is an error where the budget runs out",
          "[bad-input][yaml]") {
  CHECK(error_of(fuzz::yaml_inventory("hosts:\n  a:\n    vars:\n" + laughs(10, 9, "      ")))
            .starts_with("fuzz.yml:4:"));
  CHECK(error_of(fuzz::yaml_inventory("hosts:\n  a:\n    vars:\n" + laughs(10, 9, "      ")))
            .ends_with("more than 1000000 values once aliases are expanded (aliases of aliases "
                       "multiply)"));
  CHECK(error_of(fuzz::playbook("vars:\n" + laughs(10, 9, "  ") + play("      - package: x\n")))
            .starts_with("playbook.yml:2:"));
  // Under the file's budget, but a template walking every host's copy of the vars is over it.
  auto over = fuzz::playbook("vars:\n" + laughs(6, 9, "  ") +
                             play("      - file: /etc/x\n"
                                  "        content: \"{{#groups.all}}x{{/groups.all}}\"\n"));
  CHECK(error_of(over) ==
        "playbook.yml:12:19: the variables this host's templates use are more than 1000000 values "
        "once aliases are expanded (aliases of aliases multiply)");
  // Each value under the budget, but together over it: one budget for all of a host's values.
  // (groups holds ten copies of the vars, about 950,000 values; l4 is 66,430 more.)
  auto together = fuzz::playbook(
      "vars:\n" + laughs(5, 9, "  ") + "  pad: &p [x,x,x,x,x,x,x,x,x,x]\n  pads: [" +
      repeat("*p,", 2099) + "*p]\n" +
      play("      - file: /etc/a\n        content: \"{{#groups.all}}{{/groups.all}}\"\n"
           "      - file: /etc/b\n        content: \"{{#l4}}{{/l4}}\"\n"));
  CHECK(error_of(together) ==
        "playbook.yml:15:19: the variables this host's templates use are more than 1000000 values "
        "once aliases are expanded (aliases of aliases multiply)");
  // A big variable used by many values is converted once for the host, not once per value.
  std::string many;
  for (int i = 0; i < 40; ++i)
    many += "      - file: /etc/f" + std::to_string(i) + "\n        content: \"{{#l5}}x{{/l5}}\"\n";
  CHECK(fuzz::playbook("vars:\n" + laughs(6, 9, "  ") + play(many)));
  // Aliases used normally still work.
  CHECK(
      fuzz::yaml_inventory("defaults: {vars: {base: &b {port: '80'}}}\n"
                           "hosts:\n  a: {vars: {web: *b, again: *b}}\n"));
}

TEST_CASE("deep nesting is refused before yaml-cpp parses it", "[bad-input][yaml]") {
  const std::string deep = repeat("[", 100'000) + repeat("]", 100'000);
  CHECK(error_of(fuzz::yaml_inventory("hosts:\n  a: {vars: {x: " + deep + "}}\n")) ==
        "fuzz.yml:2:76: nested more than 64 levels deep");
  CHECK(error_of(fuzz::yaml_inventory(repeat("- ", 100'000) + "x\n")) ==
        "fuzz.yml:1:127: nested more than 64 levels deep");
  CHECK(error_of(fuzz::yaml_inventory(repeat("{a: ", 100'000))) ==
        "fuzz.yml:1:253: nested more than 64 levels deep");
  std::string indented;
  for (int i = 0; i < 3000; ++i) indented += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
  CHECK(error_of(fuzz::yaml_inventory(indented)) ==
        "fuzz.yml:64:65: nested more than 64 levels deep");
  CHECK(error_of(fuzz::playbook("vars: {x: " + deep + "}\n" + play("      - package: x\n"))) ==
        "playbook.yml:1:72: nested more than 64 levels deep");
  // Brackets inside quotes, comments and block scalars are text, not nesting.
  const std::string text = repeat("[", 200);
  CHECK(fuzz::yaml_inventory("# " + text + "\nhosts:\n  a: {vars: {q: '" + text + "', d: \"" +
                             text + "\", b: x}}\n  b:\n    vars:\n      s: |\n        " + text +
                             "\n"));
}

TEST_CASE("inputs that sent yaml-cpp's LoadAll into an endless loop are located errors",
          "[bad-input][yaml]") {
  // Found by fuzz_yaml_inventory and fuzz_playbook: after a stray ',' the parser stops making
  // progress and LoadAll collected empty documents until memory ran out.
  CHECK(error_of(fuzz::yaml_inventory(",hosts:    hosLL}:")) ==
        "fuzz.yml:1:1: text after the end of the YAML document: a second document ('---'; put "
        "everything in one) or a stray ',', ']' or '}'");
  CHECK(
      error_of(fuzz::playbook("&e: ,oaaaTac")).starts_with("playbook.yml:1:5: text after the end"));
  CHECK(error_of(fuzz::yaml_inventory(std::string(",hosts:\0\x11!: NULL}", 17))) ==
        "fuzz.yml:1:8: control character 0x00; YAML text is printable characters, tabs and line "
        "breaks");
}

TEST_CASE("a state written as an empty mapping is an error, not a crash", "[bad-input][playbook]") {
  CHECK(error_of(fuzz::playbook(play("      - {}\n"))) ==
        "playbook.yml:4:9: a state must be a mapping like '- package: haproxy'");
  CHECK(error_of(fuzz::playbook(play("      - package: x\n") + "    handlers:\n      - {}\n")) ==
        "playbook.yml:6:9: a state must be a mapping like '- package: haproxy'");
}

TEST_CASE("INI host ranges neither overflow nor explode", "[bad-input][inventory][ini]") {
  auto letters = parse_ini_inventory("r.ini", "[g]\nh[a:z:32]\n");
  REQUIRE(letters);
  REQUIRE(letters->hosts.size() == 1);
  CHECK(letters->hosts[0].name == "ha");
  auto top = parse_ini_inventory("r.ini", "[g]\nh[2147483646:2147483647]\n");
  REQUIRE(top);
  REQUIRE(top->hosts.size() == 2);
  CHECK(top->hosts[1].name == "h2147483647");
  CHECK(error_of(fuzz::ini_inventory("[g]\nh[9223372036854775806:9223372036854775807:2]\n"))
            .starts_with("fuzz.ini:2:1: bad host range"));
  CHECK(error_of(fuzz::ini_inventory("[g]\nh[0:99999999999999999999]\n"))
            .starts_with("fuzz.ini:2:1: bad host range"));
  CHECK(
      error_of(fuzz::ini_inventory("[g]\nh[-5:3]\n")).starts_with("fuzz.ini:2:1: bad host range"));
  CHECK(error_of(fuzz::ini_inventory("[g]\nweb[0:2000000]\n")) ==
        "fuzz.ini:2:1: bad host range 'web[0:2000000]': more than 10000 hosts in one range (write "
        "it like web[1:3], db[01:10], n[a:f] or w[1:9:2])");
  std::string many = "[g]\n";
  for (int i = 0; i < 200; ++i) many += "x" + std::to_string(i) + "-[0:9999]\n";
  CHECK(error_of(fuzz::ini_inventory(many)) ==
        "fuzz.ini:12:1: bad host range 'x10-[0:9999]': more than 100000 host names from ranges "
        "in this file (write it like web[1:3], db[01:10], n[a:f] or w[1:9:2])");
  // Thousands of hosts are fine.
  auto big = parse_ini_inventory("r.ini", "[web]\nweb[1:9000]\n[db]\ndb[0001:5000]\n");
  REQUIRE(big);
  CHECK(big->hosts.size() == 14000);
}

TEST_CASE("group chains thousands deep and long cycles are errors", "[bad-input][inventory]") {
  std::string chain;
  for (int i = 0; i < 5000; ++i)
    chain += "[g" + std::to_string(i) + ":children]\ng" + std::to_string(i + 1) + "\n";
  chain += "[g5000]\nh1\n";
  CHECK(error_of(fuzz::ini_inventory(chain)) ==
        "fuzz.ini:128:1: groups nested more than 64 levels deep (g0 -> ... -> g63 -> g64 -> ...)");
  std::string cycle = "[g0]\nh1\n";
  for (int i = 0; i < 3000; ++i)
    cycle += "[g" + std::to_string(i) + ":children]\ng" + std::to_string((i + 1) % 3000) + "\n";
  CHECK(error_of(fuzz::ini_inventory(cycle)).find("levels deep") != std::string::npos);
  CHECK(error_of(fuzz::ini_inventory("[a:children]\nb\n[b:children]\na\n[a]\nh\n")) ==
        "fuzz.ini:4:1: group cycle: a -> b -> a");
  std::string yaml = "hosts: {h1: {}}\ngroups:\n";
  for (int i = 0; i < 2000; ++i)
    yaml += "  g" + std::to_string(i) + ": {children: [g" + std::to_string(i + 1) + "]}\n";
  yaml += "  g2000: {hosts: [h1]}\n";
  CHECK(error_of(fuzz::yaml_inventory(yaml)).starts_with("fuzz.yml:66:20: groups nested more"));
  // Ansible's YAML format: each group's children listed flat under `all`.
  std::string ansible = "all:\n  children:\n";
  for (int i = 0; i < 2000; ++i)
    ansible += "    g" + std::to_string(i) + ":\n      children:\n        g" +
               std::to_string(i + 1) + ": {}\n";
  CHECK(error_of(fuzz::yaml_inventory(ansible)) ==
        "fuzz.yml:191:9: groups nested more than 64 levels deep (all -> ... -> g62 -> g63 -> ...)");
  // A chain within the limit resolves; the deepest group's host is in every group.
  std::string ok;
  for (int i = 0; i < 60; ++i)
    ok += "[g" + std::to_string(i) + ":children]\ng" + std::to_string(i + 1) + "\n";
  auto inv = parse_ini_inventory("ok.ini", ok + "[g60]\nh1\n");
  REQUIRE(inv);
  CHECK(inv->hosts[0].groups.size() == 62);
}

TEST_CASE("deeply nested, recursive or exploding templates are located errors",
          "[bad-input][template]") {
  CHECK(error_of(fuzz::mustache_template(repeat("{{#service}}", 100'000) +
                                         repeat("{{/service}}", 100'000))) ==
        "fuzz.mustache:1:385: sections nested more than 32 levels deep");
  CHECK(error_of(fuzz::mustache_template("{{=<% %>=}}" + repeat("<%#service%>", 40) +
                                         repeat("<%/service%>", 40)))
            .ends_with("sections nested more than 32 levels deep"));
  // Nested sections over a two-item list: 2^30 entries.
  CHECK(error_of(fuzz::mustache_template(repeat("{{#ports}}", 30) + "x" + repeat("{{/ports}}", 30)))
            .starts_with("fuzz.mustache:1:1: template rendering stopped: "));
  // 1024 entries with 1200 lookups each.
  CHECK(error_of(fuzz::mustache_template(repeat("{{#ports}}", 10) + repeat("{{nested}}", 1200) +
                                         repeat("{{/ports}}", 10))) ==
        "fuzz.mustache:1:1: template rendering stopped: more than 1000000 lookups and section "
        "entries while rendering");
  // Fewer entries, but each one writes a long text.
  CHECK(error_of(fuzz::mustache_template(repeat("{{#ports}}", 18) + repeat("x", 4000) +
                                         repeat("{{/ports}}", 18)))
            .ends_with("template rendering stopped: the output would pass 67108864 bytes"));
  // A variable used as a partial that includes itself.
  CHECK(error_of(fuzz::playbook("vars: {p: '{{>p}}'}\n" +
                                play("      - file: /etc/x\n        content: '{{>p}}'\n"))) ==
        "playbook.yml:6:19: partials ({{>name}}) are not supported");
  CHECK(fuzz::mustache_template("{{#ports}}{{.}} {{/ports}}{{service}}{{^empty}}-{{/empty}}"));
}

TEST_CASE("non-UTF-8 host names and addresses are located errors", "[bad-input][inventory]") {
  CHECK(error_of(fuzz::yaml_inventory("hosts:\n  web1: {address: 10.0.0.\xff}\n")) ==
        "fuzz.yml:2:26: not valid UTF-8 (byte 0xFF); YAML files are UTF-8");
  CHECK(error_of(fuzz::yaml_inventory("hosts:\n  w\xc3\x28: {}\n")) ==
        "fuzz.yml:2:4: not valid UTF-8 (byte 0xC3); YAML files are UTF-8");
  CHECK(error_of(fuzz::ini_inventory("[web]\nweb1 ansible_host=10.0.0.\xe9\n")) ==
        "fuzz.ini:2:26: not valid UTF-8; an inventory is UTF-8 text");
  CHECK(error_of(fuzz::ini_inventory("w\xe9\x62\n")) ==
        "fuzz.ini:1:2: not valid UTF-8; an inventory is UTF-8 text");
  CHECK(error_of(fuzz::playbook("vars: {x: \"\xed\xa0\x80\"}\n" + play("      - package: x\n")))
            .starts_with("playbook.yml:1:12: not valid UTF-8"));
  CHECK(error_of(fuzz::ini_inventory("[web]\nweb1 ansible_host='10.0.0.1 x'\n")) ==
        "fuzz.ini:2:19: ansible_host: '10.0.0.1 x' is not an address (an IP address or DNS name "
        "has no blanks or control characters)");
  CHECK(fuzz::yaml_inventory(
      "hosts:\n  web1: {address: h\xc3\xa9.example, vars: {who: \"\xe2\x82\xac\"}}\n"));
}

TEST_CASE("very long paths are located errors, not filesystem exceptions", "[bad-input][paths]") {
  const std::string name = repeat("a", 5000);
  CHECK(error_of(fuzz::playbook(play("      - " + name + ".yml\n")))
            .starts_with("playbook.yml:4:9: state file not found: "));
  CHECK(error_of(fuzz::playbook(play("      - template: /etc/x\n        src: " + name + "\n")))
            .starts_with("playbook.yml:5:14: template[/etc/x]: no such template: aaa"));
  CHECK(error_of(fuzz::playbook(play("      - file: /etc/x\n        source: " + name + "\n")))
            .starts_with("playbook.yml:5:17: file[/etc/x]: no such file: "));
  auto inv = load_inventory(repeat("d/", 3000) + "inventory.yml");
  REQUIRE_FALSE(inv);
  CHECK(inv.error().code == ExitCode::bad_input);
  CHECK_NOTHROW(default_state_dir(repeat("p/", 3000) + "site.yml"));
  CHECK_NOTHROW(resolve_inventory_path("key", repeat("i/", 3000) + "inv.yml"));
}

TEST_CASE("an undefined variable is reported where the value is written",
          "[bad-input][playbook][template]") {
  CHECK(error_of(fuzz::playbook(play("      - file: /etc/x\n"
                                     "        mode: '0644'\n"
                                     "        content: \"a {{nope}}\"\n"))) ==
        "playbook.yml:6:21: undefined variable 'nope' (did you mean 'role'?)");
  CHECK(error_of(fuzz::playbook(play("      - file: /etc/x\n"
                                     "        content:\n"
                                     "          inner: \"{{missing}}\"\n"))) ==
        "playbook.yml:6:19: undefined variable 'missing'");
  CHECK(error_of(fuzz::playbook(play("      - package: [curl, \"{{pkg}}\"]\n"))) ==
        "playbook.yml:4:26: undefined variable 'pkg'");
}
