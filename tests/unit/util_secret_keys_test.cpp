#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/secrets.hpp"
#include "inventory/load.hpp"
#include "playbook/load.hpp"
#include "util/secret_keys.hpp"
#include "util/source_location.hpp"
#include "util/text.hpp"

using namespace forja;

namespace {

// The rule forja sets at start-up, plus names a playbook would list under `secrets:`.
void mark_keys() {
  mark_secret_keys();
  add_secret_key("api_keys");
}

std::string echoed(const std::vector<std::string>& lines, std::size_t index) {
  return echoed_line(lines, index).text;
}

// The echoed source line and the caret line of a located message.
std::pair<std::string, std::string> echo_of(const std::string& message) {
  auto lines = split_lines(message);
  REQUIRE(lines.size() >= 3);
  auto body = [](const std::string& l) { return l.substr(l.find(" | ") + 3); };
  return {body(lines[lines.size() - 2]), body(lines.back())};
}

}  // namespace

TEST_CASE("echoed source lines hide the values of secret keys", "[util][secrets]") {
  mark_keys();
  struct Case {
    std::string line, shown;
  };
  const std::vector<Case> cases = {
      {R"(db_password: "hunter22")", "db_password: ********"},
      {"  db_password: hunter22 # the db", "  db_password: ******** # the db"},
      {"  - api_token: 'it''s: x'", "  - api_token: ********"},
      {"db: {password: hunter22, user: app}", "db: {password: ********, user: app}"},
      {"api_keys: [k1, {k2: v}]  # two", "api_keys: ********  # two"},
      {R"("client_secret": abc)", R"("client_secret": ********)"},
      {"web1 ansible_host=10.0.0.1 db_password=hunter22 ansible_port=x",
       "web1 ansible_host=10.0.0.1 db_password=******** ansible_port=x"},
      {R"(web1 db_password="hunter 22" x=1)", "web1 db_password=******** x=1"},
      {"db_password = hunter 22", "db_password = ********"},
      {"DB_TOKEN=abc ; comment", "DB_TOKEN=******** ; comment"},
      {"port: 22", "port: 22"},
      {"password:", "password:"},
      {"tls_secret: |", "tls_secret: |"},
      {"url: http://h:80/?a=b", "url: http://h:80/?a=b"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.line);
    CHECK(echoed({c.line}, 0) == c.shown);
  }
}

TEST_CASE("echoed source lines hide what is nested under a secret key", "[util][secrets]") {
  mark_keys();
  const std::vector<std::string> lines = {
      "vars:",                  // 0
      "  api_keys:",            // 1
      "    - key-one",          // 2
      "    - {id: 2, k: two}",  // 3
      "  tls_secret: |",        // 4
      "    -----BEGIN-----",    // 5
      "    body: x # y",        // 6
      "",                       // 7
      "  db_secret:",           // 8
      "    user: admin",        // 9
      "  plain:",               // 10
      "    - visible",          // 11
      "  db_password: \"hun",   // 12
      "     ter22\"",           // 13
      "api_keys:",              // 14
      "- same-indent",          // 15
  };
  CHECK(echoed(lines, 1) == "  api_keys:");
  CHECK(echoed(lines, 2) == "    - ********");
  CHECK(echoed(lines, 3) == "    - ********");
  CHECK(echoed(lines, 5) == "    ********");
  CHECK(echoed(lines, 6) == "    ********");
  CHECK(echoed(lines, 9) == "    user: ********");
  CHECK(echoed(lines, 11) == "    - visible");
  CHECK(echoed(lines, 12) == "  db_password: ********");
  CHECK(echoed(lines, 13) == "     ********");
  CHECK(echoed(lines, 15) == "- ********");
}

TEST_CASE("a located error keeps its caret under the blamed column of the masked line",
          "[util][secrets]") {
  mark_keys();
  // One value longer than the mask, one shorter: the caret must move by both differences.
  const std::vector<std::string> lines = {
      "web1 db_password=hunter22-and-more api_token=tk ansible_port=x"};
  const int port_column = static_cast<int>(lines[0].find("ansible_port")) + 1;
  auto [line, caret] = echo_of(located_message({"inv.ini", 1, port_column}, "bad port", lines));
  CHECK(line == "web1 db_password=******** api_token=******** ansible_port=x");
  CHECK(caret.size() == line.find("ansible_port") + 1);
  CHECK(caret.back() == '^');
  // Blamed inside the hidden value: the caret goes under its mask.
  const int value_column = static_cast<int>(lines[0].find("ter22")) + 1;
  std::tie(line, caret) = echo_of(located_message({"inv.ini", 1, value_column}, "bad", lines));
  CHECK(caret.size() == line.find("********") + 1);
}

TEST_CASE("located errors in inventories and playbooks never echo a secret value",
          "[util][secrets]") {
  mark_keys();
  auto yaml = parse_yaml_inventory("inv.yml", R"(hosts:
  w1:
    vars:
      db_password: "hunter22"
      db_password: "hunter22"
)");
  REQUIRE_FALSE(yaml);
  CHECK(yaml.error().message.find("hunter22") == std::string::npos);
  CHECK(yaml.error().message.find(R"(db_password: ********)") != std::string::npos);

  auto ini = parse_ini_inventory("inv.ini", "[web]\nweb1 db_password=hunter22 ansible_port=abc\n");
  REQUIRE_FALSE(ini);
  CHECK(ini.error().message.find("hunter22") == std::string::npos);
  CHECK(ini.error().message.find("db_password=********") != std::string::npos);

  auto listed = parse_yaml_inventory("inv.yml", R"(hosts:
  w1:
    vars: {api_keys: [key-one, key-two], api_keys: [key-one]}
)");
  REQUIRE_FALSE(listed);
  CHECK(listed.error().message.find("key-one") == std::string::npos);

  const auto dir = std::filesystem::temp_directory_path() / "forja-secret-keys-test";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "site.yml").string();
  std::ofstream(path) << "vars:\n  api_token: tok-777\n  api_token: tok-777\nplays: []\n";
  auto book = load_playbook(path);
  std::filesystem::remove_all(dir);
  REQUIRE_FALSE(book);
  CHECK(book.error().message.find("tok-777") == std::string::npos);
  CHECK(book.error().message.find("api_token: ********") != std::string::npos);
}

TEST_CASE("a playbook's secrets: names hide values in the inventory errors that follow",
          "[cli][secrets]") {
  mark_secret_keys();
  Playbook book;
  book.secrets = {"vault_blob"};
  auto before =
      parse_yaml_inventory("inv.yml", "hosts:\n  w1: {vars: {vault_blob: b-1, x: 1, x: 2}}\n");
  REQUIRE_FALSE(before);
  CHECK(before.error().message.find("b-1") != std::string::npos);  // not known as secret yet
  mark_secret_keys(book);
  auto after =
      parse_yaml_inventory("inv.yml", "hosts:\n  w1: {vars: {vault_blob: b-1, x: 1, x: 2}}\n");
  REQUIRE_FALSE(after);
  CHECK(after.error().message.find("b-1") == std::string::npos);
  CHECK(after.error().message.find("vault_blob: ********") != std::string::npos);
}
