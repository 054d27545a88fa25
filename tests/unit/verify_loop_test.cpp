// `loop:` on a verify entry: one probe per item on each host, from a list or from the one
// variable that holds each host's list (site.yml: the replicas `forja scale` placed there).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "inventory/load.hpp"
#include "playbook/load.hpp"
#include "probes/verify.hpp"

using namespace forja;

namespace {

struct LoopScenario {
  std::filesystem::path dir;

  explicit LoopScenario(const std::string& verify) {
    char tmpl[] = "/tmp/forja-verify-loop-XXXXXX";
    dir = ::mkdtemp(tmpl);
    std::ofstream(dir / "book.yml") << "plays:\n  - hosts: all\n    states: []\nverify:\n" << verify;
    std::ofstream(dir / "inv.yml")
        << "hosts:\n"
           "  lab2: {address: 127.0.0.1, vars: {ports: [\"1\", \"2\"]}}\n"
           "  lab3: {address: 127.0.0.1, vars: {ports: []}}\n"
           "  lab4: {address: 127.0.0.1, vars: {ports: [\"3\"]}}\n"
           "groups:\n  web:\n    hosts: [lab2, lab3, lab4]\n";
  }
  ~LoopScenario() { std::filesystem::remove_all(dir); }
  LoopScenario(const LoopScenario&) = delete;
  LoopScenario& operator=(const LoopScenario&) = delete;

  Result<std::vector<VerifyResult>> run() {
    auto book = load_playbook((dir / "book.yml").string());
    if (!book) return std::unexpected(book.error());
    auto inventory = load_inventory((dir / "inv.yml").string());
    if (!inventory) return std::unexpected(inventory.error());
    VerifyOptions options;
    options.timeout = std::chrono::seconds(1);
    return run_verify(*book, *inventory, [](const Host&) { return nullptr; }, options);
  }
};

std::vector<std::string> targets(const std::vector<VerifyResult>& results) {
  std::vector<std::string> out;
  for (const auto& r : results) out.push_back(r.target);
  return out;
}

}  // namespace

TEST_CASE("verify loop: one probe per item of each host's list, none for an empty list",
          "[verify][loop]") {
  LoopScenario s("  - tcp: \"{{host.address}}:{{item}}\"\n    hosts: web\n    loop: \"{{ports}}\"\n");
  auto results = s.run();
  REQUIRE(results);
  CHECK(targets(*results) == std::vector<std::string>{"127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"});
  for (const auto& r : *results) CHECK(r.declared == 0);
}

TEST_CASE("verify loop: a literal list on the controller", "[verify][loop]") {
  LoopScenario s("  - tcp: \"127.0.0.1:{{item}}\"\n    loop: [\"7\", \"8\"]\n"
                 "  - tcp: \"127.0.0.1:9\"\n");
  auto results = s.run();
  REQUIRE(results);
  CHECK(targets(*results) == std::vector<std::string>{"127.0.0.1:7", "127.0.0.1:8", "127.0.0.1:9"});
  REQUIRE(results->size() == 3);
  CHECK((*results)[0].declared == 0);
  CHECK((*results)[1].declared == 0);
  CHECK((*results)[2].declared == 1);
}

TEST_CASE("verify loop: anything but a list or one variable is refused where it is written",
          "[verify][loop]") {
  LoopScenario s("  - tcp: \"127.0.0.1:{{item}}\"\n    hosts: web\n    loop: \"port {{ports}}\"\n");
  auto results = s.run();
  REQUIRE_FALSE(results);
  CHECK(results.error().code == ExitCode::bad_input);
  CHECK(results.error().message ==
        (s.dir / "book.yml").string() +
            ":7:11: tcp: 'loop' is a list ([a, b]) or one variable that holds a list ({{ports}})");
}

TEST_CASE("verify loop: a variable that is not a list on a host is named", "[verify][loop]") {
  LoopScenario s("  - tcp: \"127.0.0.1:{{item}}\"\n    hosts: web\n    loop: \"{{inventory_hostname}}\"\n");
  auto results = s.run();
  REQUIRE_FALSE(results);
  CHECK(results.error().code == ExitCode::bad_input);
  CHECK(results.error().message == (s.dir / "book.yml").string() +
                                       ":7:11: tcp: loop: 'inventory_hostname' is a string, not a list");
}
