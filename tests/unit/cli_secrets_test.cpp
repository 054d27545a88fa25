#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/secrets.hpp"
#include "inventory/load.hpp"
#include "report/reporter.hpp"

using namespace forja;

namespace {

// What `reporter` prints of `text` written as one line to a temporary file.
std::string printed(Reporter& reporter, std::FILE* out, const std::string& text) {
  reporter.line(text);
  std::fflush(out);
  std::rewind(out);
  std::string got;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, out)) > 0;) got.append(buffer, n);
  return got;
}

}  // namespace

TEST_CASE("secrets inside lists, maps and lists of maps are registered, inventory vars too",
          "[cli][secrets]") {
  Playbook book;
  book.vars = YAML::Load(R"(
api_keys: [key-one, key-two]
db: {password: db-pass-1, host: db-host}
users: [{name: alice, password: alice-pw}]
nested: {deep: [{api_token: tok-123}]}
certs: {tls_secret: {cert: cert-body, key: key-body}}
plain: visible
)");
  book.secrets = {"api_keys", "extra"};
  ::setenv("FORJA_TEST_BECOME_PW", "sudo-pw-9", 1);
  auto inventory = parse_yaml_inventory("inv.yml", R"(
defaults:
  vars: {smtp: {password: smtp-pw}}
hosts:
  w1:
    become_password_env: FORJA_TEST_BECOME_PW
    vars: {users: [{name: bob, token: bob-tok}], extra: {a: [extra-1]}}
groups:
  web:
    hosts: [w1]
    vars: {api_keys: [grp-key-1]}
  spare:
    vars: {admin_password: spare-pw}
)");
  REQUIRE(inventory);
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  {
    Reporter reporter(out, err);
    register_secrets(reporter, book, *inventory);
    const std::string text =
        "key-one key-two db-pass-1 alice-pw tok-123 cert-body key-body smtp-pw bob-tok extra-1 "
        "grp-key-1 spare-pw sudo-pw-9 | db-host alice bob visible";
    CHECK(printed(reporter, out, text) ==
          "******** ******** ******** ******** ******** ******** ******** ******** ******** "
          "******** ******** ******** ******** | db-host alice bob visible\n");
  }
  std::fclose(out);
  std::fclose(err);
  ::unsetenv("FORJA_TEST_BECOME_PW");
}

TEST_CASE("secrets given with -e are registered like the playbook's", "[cli][secrets]") {
  Playbook book;
  book.extra_vars = YAML::Load("{db_password: cli-pw-1, api_keys: [cli-key-2], port: \"8080\"}");
  book.secrets = {"api_keys"};
  auto inventory = parse_yaml_inventory("inv.yml", "hosts:\n  w1: {address: 10.0.0.1}\n");
  REQUIRE(inventory);
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  {
    Reporter reporter(out, err);
    register_secrets(reporter, book, *inventory);
    CHECK(printed(reporter, out, "cli-pw-1 cli-key-2 8080") == "******** ******** 8080\n");
  }
  std::fclose(out);
  std::fclose(err);
}
