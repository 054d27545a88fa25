#include <catch2/catch.hpp>

#include "util/yaml.hpp"

using namespace forja;

namespace {

YamlDoc doc(const std::string& text) {
  auto d = parse_yaml("f.yml", text);
  if (!d) FAIL(d.error().message);
  return *d;
}

}  // namespace

TEST_CASE("yaml helper: typed getters accept one spelling and locate mistakes",
          "[inventory][yaml]") {
  auto d = doc("n: 42\nb: false\ns: NO\nl: [a, b]\none: x\nbad: yes\n");
  const auto& m = d.root();
  CHECK(**d.get_int(m, "n", 0, 100) == 42);
  CHECK_FALSE(*d.get_int(m, "missing", 0, 100));
  CHECK(**d.get_bool(m, "b") == false);
  CHECK(**d.get_string(m, "s") == "NO");
  CHECK(*d.get_string_list(m, "l") == std::vector<std::string>{"a", "b"});
  CHECK(*d.get_string_list(m, "one") == std::vector<std::string>{"x"});
  CHECK(d.get_string_list(m, "missing")->empty());
  auto yes = d.get_bool(m, "bad");
  REQUIRE_FALSE(yes);
  CHECK(yes.error().message ==
        "f.yml:6:6: bad: expected true or false, got 'yes'\n  6 | bad: yes\n    |      ^");
  CHECK(d.get_int(m, "s", 0, 9)
            .error()
            .message.starts_with("f.yml:3:4: s: expected an integer 0-9, got 'NO'"));
  CHECK(d.get_string(m, "l").error().message.starts_with(
      "f.yml:4:4: l: expected a string, got a list"));
}

TEST_CASE("yaml helper: check_keys suggests the closest allowed key", "[inventory][yaml]") {
  auto d = doc("name: x\nsevrity: 3\n");
  auto r = d.check_keys(d.root(), {"name", "severity"}, "rule 'x'");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ExitCode::bad_input);
  CHECK(r.error().message.starts_with(
      "f.yml:2:1: unknown key 'sevrity' in rule 'x' (did you mean 'severity'?)"));
}

TEST_CASE("yaml helper: duplicate keys, several documents and syntax errors are errors",
          "[inventory][yaml]") {
  auto dup = parse_yaml("f.yml", "a: 1\nb:\n  - {x: 1, x: 2}\n");
  REQUIRE_FALSE(dup);
  CHECK(dup.error().message.starts_with("f.yml:3:12: duplicate key 'x' (first at line 3)"));
  auto two = parse_yaml("f.yml", "a: 1\n---\nb: 2\n");
  REQUIRE_FALSE(two);
  CHECK(two.error().message.starts_with(
      "f.yml:2:1: text after the end of the YAML document: a second document"));
  auto syntax = parse_yaml("f.yml", "a: [1, 2\n");
  REQUIRE_FALSE(syntax);
  CHECK(syntax.error().message.starts_with("f.yml:2:1: YAML syntax error: "));
  auto missing = load_yaml_file("/nonexistent/f.yml");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.starts_with("/nonexistent/f.yml: cannot read file"));
}

TEST_CASE("yaml helper: JSON keeps scalars as strings", "[inventory][yaml]") {
  auto d = doc("a: 1\nb: [yes, ~]\nc: {d: \"q\\\"\"}\n");
  CHECK(yaml_to_json(d.root()) == R"({"a":"1","b":["yes",null],"c":{"d":"q\""}})");
}

TEST_CASE("yaml helper: an empty typed value is blamed on its key", "[inventory][yaml]") {
  auto d = doc("a:\n  port:\nb: 1\n");
  auto r = d.get_int(d.root()["a"], "port", 1, 65535);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.starts_with(
      "f.yml:2:3: port: expected an integer 1-65535, got an empty value"));
}
