#include <catch2/catch.hpp>

#include "inventory/load.hpp"
#include "inventory/view.hpp"
#include "util/text.hpp"

using namespace forja;

namespace {

const std::string k_data = std::string(FORJA_TEST_DATA) + "/inventory/";

const Inventory& example() {
  static const Inventory inv = [] {
    auto r = load_inventory(k_data + "example.yml");
    REQUIRE(r);
    return *r;
  }();
  return inv;
}

// Host names matched by a pattern, in result order, or "error: ..." (first line).
std::vector<std::string> names(std::string_view pattern) {
  auto r = example().match(pattern);
  if (!r) return {"error: " + r.error().message};
  std::vector<std::string> out;
  for (const Host* h : *r) out.push_back(h->name);
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("patterns: all, names, groups with their children, globs", "[inventory][pattern]") {
  CHECK(names("all") == V{"lab1", "lab2", "lab3", "db1"});
  CHECK(names("*") == V{"lab1", "lab2", "lab3", "db1"});
  CHECK(names("lab2") == V{"lab2"});
  CHECK(names("app") == V{"lab1", "lab2", "lab3"});
  CHECK(names("lab?") == V{"lab1", "lab2", "lab3"});
  CHECK(names("d*") == V{"db1"});  // db1 (host) and db (group): no duplicates
}

TEST_CASE("patterns: unions keep file order without duplicates", "[inventory][pattern]") {
  CHECK(names("db1:lab2") == V{"lab2", "db1"});
  CHECK(names("web,lab1,db") == V{"lab1", "lab2", "db1"});
}

TEST_CASE("patterns: intersection and exclusion apply after the union", "[inventory][pattern]") {
  CHECK(names("app:&web") == V{"lab1", "lab2"});
  CHECK(names("all:!web") == V{"lab3", "db1"});
  CHECK(names("!web:app") == V{"lab3"});
  CHECK(names("!db") == V{"lab1", "lab2", "lab3"});
  CHECK(names("app:!lab1:&web") == V{"lab2"});
}

TEST_CASE("patterns: unknown names are errors with a suggestion", "[inventory][pattern]") {
  auto r = example().match("wbe:!db");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ExitCode::bad_input);
  CHECK(r.error().message ==
        "host pattern 'wbe:!db': no host or group named 'wbe' (did you mean 'web'?)");
  CHECK(names("all:!lab9") ==
        V{"error: host pattern 'all:!lab9': no host or group named 'lab9' (did you mean 'lab1'?)"});
  CHECK(names("zz*") == V{"error: host pattern 'zz*': 'zz*' matches no host or group"});
  CHECK(names("") == V{"error: host pattern '': empty term"});
  CHECK(names("web::db") == V{"error: host pattern 'web::db': empty term"});
}

TEST_CASE("the graph shows nested groups, then their hosts", "[inventory][view]") {
  CHECK(inventory_graph(example()) == V{
                                          "@all:",
                                          "  |--@app:",
                                          "  |  |--@web:",
                                          "  |  |  |--lab1",
                                          "  |  |  |--lab2",
                                          "  |  |--lab3",
                                          "  |--@db:",
                                          "  |  |--db1",
                                      });
}

TEST_CASE("secret-looking vars are masked in host details and JSON", "[inventory][view]") {
  const Host* db1 = example().find_host("db1");
  auto lines = host_details(*db1);
  CHECK(std::find(lines.begin(), lines.end(), "    db_password: ********") != lines.end());
  CHECK(host_json(*db1).find("hunter2") == std::string::npos);
  CHECK(is_secret_var("API_TOKEN"));
  CHECK(is_secret_var("client_secret"));
  CHECK_FALSE(is_secret_var("flask_port"));
}

TEST_CASE("secret-looking keys inside lists are masked in host details and JSON",
          "[inventory][view][secrets]") {
  auto inv = parse_yaml_inventory("inv.yml", R"(
hosts:
  w1:
    vars: {users: [{name: alice, password: alice-pw}, [{api_token: deep-tok}]]}
)");
  REQUIRE(inv);
  const Host* w1 = inv->find_host("w1");
  auto details = join(host_details(*w1), "\n");
  auto json = host_json(*w1);
  for (const auto& text : {details, json}) {
    CHECK(text.find("alice-pw") == std::string::npos);
    CHECK(text.find("deep-tok") == std::string::npos);
    CHECK(text.find("alice") != std::string::npos);
  }
  CHECK(details.find("password: ********") != std::string::npos);
  CHECK(json.find(R"("api_token":"********")") != std::string::npos);
}

TEST_CASE("the host table shows address:port, user, become and groups", "[inventory][view]") {
  const Host* lab1 = example().find_host("lab1");
  const Host* db1 = example().find_host("db1");
  CHECK(inventory_table({lab1, db1}) == V{"HOST  ADDRESS          USER     BECOME    GROUPS",
                                          "lab1  10.77.0.11:2222  deploy   root      app,web",
                                          "db1   10.77.0.21:22    vagrant  postgres  db"});
}
