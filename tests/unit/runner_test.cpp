// The engine's apply, handler and package-transaction logic, against a scripted host.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/notify_store.hpp"
#include "engine/runner.hpp"
#include "facts/facts.hpp"
#include "fake_host.hpp"
#include "inventory/load.hpp"
#include "playbook/load.hpp"

using namespace forja;
using forja::test::FakeHost;
namespace fs = std::filesystem;

namespace {

class Recorder final : public RunReport {
 public:
  void note(const std::string& text) override { notes.push_back(text); }
  void host_started(const std::string&, const std::string&) override {}
  void state(const StateEvent& e) override { events.push_back(e); }
  void host_finished(const HostRecap&) override {}
  void recap(const std::vector<HostRecap>&, double) override {}
  std::vector<StateEvent> events;
  std::vector<std::string> notes;
};

// A playbook and a state directory in a fresh temp directory, and one host `h1`.
class Scenario {
 public:
  explicit Scenario(const std::string& playbook) {
    char tmpl[] = "/tmp/forja-runner-test-XXXXXX";
    m_dir = ::mkdtemp(tmpl);
    std::ofstream(m_dir + "/book.yml") << playbook;
    auto book = load_playbook(m_dir + "/book.yml");
    if (!book) FAIL(book.error().message);
    m_book = std::move(*book);
    auto inv = parse_yaml_inventory(m_dir + "/inv.yml", "hosts:\n  h1: {address: 10.0.0.1}\n");
    if (!inv) FAIL(inv.error().message);
    m_inventory = std::move(*inv);
  }
  ~Scenario() { fs::remove_all(m_dir); }

  struct Outcome {
    RunOutcome run;
    std::vector<StateEvent> events;
    // The events of one state or handler, in order.
    std::vector<StateEvent> of(const std::string& id) const {
      std::vector<StateEvent> out;
      for (const auto& e : events)
        if (e.id == id) out.push_back(e);
      return out;
    }
  };

  Outcome go(FakeHost& host, bool apply) {
    RunOptions options;
    options.apply = apply;
    options.state_dir = m_dir + "/state";
    Recorder report;
    auto outcome = run_playbook(m_book, m_inventory, options,
                                [&](const Host&) { return host.transport(); },
                                test::debian_facts(), fact_stub(), report);
    if (!outcome) FAIL(outcome.error().message);
    return Outcome{*outcome, report.events};
  }

  [[nodiscard]] bool owes(const std::string& handler) const {
    return NotifyStore(m_dir + "/state", "h1").owes(handler);
  }

 private:
  std::string m_dir;
  Playbook m_book;
  Inventory m_inventory;
};

}  // namespace

TEST_CASE("a change's handler stays owed when the connection drops right after the change, then runs once",
          "[engine][apply][handlers]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - file: /etc/app.conf\n        content: \"v2\\n\"\n"
      "        notify: restart-app\n    handlers:\n      - command: restart app\n        id: restart-app\n");
  FakeHost host;
  host.files["/etc/app.conf"] = "v1\n";
  host.fail_probe_batch = 3;  // facts, the plan's probes, then the re-probe after the write
  auto first = s.go(host, true);
  CHECK(first.run.hosts.at(0).unreachable);
  CHECK(host.files["/etc/app.conf"] == "v2\n");
  CHECK(host.count("cmd: restart app") == 0);
  CHECK(s.owes("restart-app"));

  host.fail_probe_batch = -1;
  auto second = s.go(host, true);
  CHECK(second.run.exit_code(false) == ExitCode::ok);
  REQUIRE(second.of("restart-app").size() == 1);
  CHECK(second.of("restart-app")[0].status == StateStatus::changed);
  CHECK(second.of("file[/etc/app.conf]")[0].status == StateStatus::ok);
  CHECK(host.count("cmd: restart app") == 1);
  CHECK_FALSE(s.owes("restart-app"));

  auto third = s.go(host, true);
  CHECK(host.count("cmd: restart app") == 1);
  CHECK(third.of("restart-app").empty());
}

TEST_CASE("a change that did not converge still owes its handler", "[engine][apply][handlers]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - file: /proc/sys/x\n        content: \"1\\n\"\n"
      "        notify: h\n    handlers:\n      - command: reload x\n        id: h\n");
  FakeHost host;
  host.read_only.insert("/proc/sys/x");
  auto out = s.go(host, true);
  REQUIRE(out.of("file[/proc/sys/x]").size() == 1);
  CHECK(out.of("file[/proc/sys/x]")[0].status == StateStatus::failed);
  CHECK_THAT(out.of("file[/proc/sys/x]")[0].summary, Catch::StartsWith("did not converge"));
  // The write was made: the handler it notified ran in the same run.
  CHECK(host.count("cmd: reload x") == 1);
  CHECK_FALSE(s.owes("h"));
}

TEST_CASE("the package transaction takes only later states whose requisites already ran",
          "[engine][apply][packages]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - package: a\n      - file: /etc/b.conf\n"
      "        content: \"x\\n\"\n      - package: b\n        require: file[/etc/b.conf]\n"
      "      - package: c\n");
  FakeHost host;
  host.available = {{"a", "1"}, {"b", "1"}, {"c", "1"}};
  auto out = s.go(host, true);
  CHECK(host.log == std::vector<std::string>{"install a c", "write /etc/b.conf", "install b"});
  CHECK(out.of("package[a]").at(0).summary == "install a (one transaction with package[c])");
  CHECK(out.of("package[b]").at(0).status == StateStatus::changed);
  CHECK(out.of("package[b]").at(0).summary == "install b");
  CHECK(out.of("package[c]").at(0).status == StateStatus::changed);
  CHECK(out.of("package[c]").at(0).summary == "installed in the same package transaction as package[a]");
  CHECK(out.run.exit_code(false) == ExitCode::ok);
}

TEST_CASE("a package whose requisite failed is skipped, not installed in a transaction",
          "[engine][apply][packages]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - command: fail now\n        id: gate\n"
      "      - package: a\n      - package: b\n        require: gate\n");
  FakeHost host;
  host.available = {{"a", "1"}, {"b", "1"}};
  auto out = s.go(host, true);
  CHECK(host.log == std::vector<std::string>{"cmd: fail now", "install a"});
  CHECK(out.of("gate").at(0).status == StateStatus::failed);
  CHECK(out.of("package[a]").at(0).status == StateStatus::changed);
  CHECK(out.of("package[b]").at(0).status == StateStatus::skipped);
  CHECK_FALSE(host.installed.count("b"));
}

TEST_CASE("an unknown package fails its own state only, never an earlier one in its transaction",
          "[engine][apply][packages]") {
  Scenario s("plays:\n  - hosts: all\n    states:\n      - package: a\n      - package: nosuch\n      - file: /etc/f\n        content: x\n");
  FakeHost host;
  host.available = {{"a", "1"}};
  auto out = s.go(host, true);
  CHECK(out.of("package[a]").at(0).status == StateStatus::changed);
  CHECK(out.of("package[a]").at(0).summary == "install a");
  REQUIRE(out.of("package[nosuch]").size() == 1);
  CHECK(out.of("package[nosuch]")[0].status == StateStatus::failed);
  CHECK_THAT(out.of("package[nosuch]")[0].summary, Catch::Contains("Unable to locate package nosuch"));
  CHECK(out.of("file[/etc/f]").at(0).status == StateStatus::changed);
  CHECK(host.installed.count("a") == 1);
  CHECK(out.run.exit_code(false) == ExitCode::failed);
}

TEST_CASE("the transaction installs the plan's to-do list, nothing the plan did not name",
          "[engine][apply][packages]") {
  Scenario s("plays:\n  - hosts: all\n    states:\n      - package: [a, b]\n      - package: c\n");
  FakeHost host;
  host.installed = {{"a", "1.0"}};
  host.available = {{"a", "2.0"}, {"b", "1"}, {"c", "1"}};
  s.go(host, true);
  CHECK(host.log == std::vector<std::string>{"install b c"});
  CHECK(host.installed["a"] == "1.0");
}

TEST_CASE("the final re-probe fails a state that a later state undid", "[engine][apply]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - file: /etc/x\n        content: one\n"
      "      - command: write /etc/x two\n");
  FakeHost host;
  auto out = s.go(host, true);
  auto x = out.of("file[/etc/x]");
  REQUIRE(x.size() == 2);
  CHECK(x[0].status == StateStatus::changed);
  CHECK(x[1].status == StateStatus::failed);
  CHECK_THAT(x[1].summary, Catch::StartsWith("no longer converged at the end of the run"));
  CHECK_THAT(x[1].summary, Catch::EndsWith("it now needs: update content"));
  CHECK(out.run.hosts.at(0).failed == 1);
  CHECK(out.run.exit_code(false) == ExitCode::failed);
}

TEST_CASE("plan shows a handler notified only by an unknown state as unknown, not a promise",
          "[engine][plan][handlers]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - service: app\n        state: running\n"
      "        notify: h\n    handlers:\n      - command: restart app\n        id: h\n");
  FakeHost host;
  auto out = s.go(host, false);
  CHECK(out.of("service[app]").at(0).status == StateStatus::unknown);
  REQUIRE(out.of("h").size() == 1);
  CHECK(out.of("h")[0].status == StateStatus::unknown);
  CHECK(out.of("h")[0].summary == "may run: notified if service[app] changes");
}

TEST_CASE("a handler with nothing to do reports ok and is no longer owed", "[engine][apply][handlers]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - file: /etc/f\n        content: \"1\"\n"
      "        notify: h\n    handlers:\n      - command: make it\n        creates: /etc/made\n"
      "        id: h\n");
  FakeHost host;
  host.files["/etc/made"] = "";
  auto out = s.go(host, true);
  REQUIRE(out.of("h").size() == 1);
  CHECK(out.of("h")[0].status == StateStatus::ok);
  CHECK(out.of("h")[0].summary == "nothing to do: /etc/made exists");
  CHECK(host.count("cmd: make it") == 0);
  CHECK_FALSE(s.owes("h"));
}

TEST_CASE("plan shows '?' when a requisite's change may fix what fails today, and apply agrees",
          "[engine][plan]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - command: unlink /etc/x\n        id: fix\n"
      "      - file: /etc/x\n        content: a\n        require: fix\n");
  FakeHost host;
  host.links.insert("/etc/x");
  auto plan = s.go(host, false);
  CHECK(plan.of("file[/etc/x]").at(0).status == StateStatus::unknown);
  CHECK_THAT(plan.of("file[/etc/x]").at(0).summary, Catch::Contains("exists and is a link"));
  CHECK(plan.of("file[/etc/x]").at(0).after == std::vector<std::string>{"fix"});
  CHECK(plan.run.exit_code(true) == ExitCode::changes_pending);
  auto apply = s.go(host, true);
  CHECK(apply.of("file[/etc/x]").at(0).status == StateStatus::changed);
  CHECK(host.files["/etc/x"] == "a");
  CHECK(apply.run.exit_code(false) == ExitCode::ok);
}

TEST_CASE("plan with every host unreachable exits 3, never 0", "[engine][plan]") {
  Scenario s("plays:\n  - hosts: all\n    states:\n      - file: /etc/f\n        content: x\n");
  FakeHost host;
  host.unreachable = true;
  auto out = s.go(host, false);
  CHECK(out.run.hosts.at(0).unreachable);
  CHECK(out.run.exit_code(true) == ExitCode::unreachable);
  CHECK(out.run.exit_code(false) == ExitCode::unreachable);
  CHECK(out.events.empty());
}

TEST_CASE("the owed-handler store keeps ids with newlines apart, privately, without their text",
          "[engine][handlers]") {
  char tmpl[] = "/tmp/forja-store-test-XXXXXX";
  std::string dir = std::string(::mkdtemp(tmpl)) + "/state";
  NotifyStore store(dir, "h1");
  REQUIRE(store.add("restart\nweb"));
  REQUIRE(store.add("restart"));
  CHECK(store.owes("restart\nweb"));
  CHECK(store.owes("restart"));
  CHECK_FALSE(store.owes("web"));
  REQUIRE(store.clear("restart\nweb"));
  CHECK_FALSE(store.owes("restart\nweb"));
  CHECK(store.owes("restart"));
  auto file = dir + "/h1.owed-handlers";
  CHECK((fs::status(file).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK((fs::status(dir).permissions() & fs::perms::all) == fs::perms::owner_all);
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("restart") == std::string::npos);
  CHECK(text.size() == 65);  // one sha256 and a newline
  fs::remove_all(fs::path(dir).parent_path());
}

TEST_CASE("a changed state costs one round trip: its commands and the read-back together",
          "[engine][apply][speed]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - file: /etc/a\n        content: a\n"
      "      - directory: /srv/d\n        owner: root\n        mode: \"0750\"\n"
      "      - file: /etc/c\n        content: c\n");
  FakeHost host;
  s.go(host, true);
  // facts, the plan's probes, one per changed state (the directory's three commands
  // included), the final read of every state.
  CHECK(host.round_trips == 1 + 1 + 3 + 1);
  // Converged: facts and the plan's probes; nothing changed, so no final read.
  host.round_trips = 0;
  s.go(host, true);
  CHECK(host.round_trips == 1 + 1);
}

TEST_CASE("a restart handler has nothing to do when a later state started the service anew",
          "[engine][apply][handlers]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - file: /etc/app.conf\n        content: v2\n"
      "        notify: restart-app\n      - service: app\n        state: running\n"
      "    handlers:\n      - service: app\n        action: restart\n        id: restart-app\n");
  SECTION("the service was stopped: the state starts it after the change") {
    FakeHost host;
    host.services["app"] = false;
    auto out = s.go(host, true);
    CHECK(host.log == std::vector<std::string>{"write /etc/app.conf", "systemctl start app"});
    CHECK(out.of("restart-app").at(0).status == StateStatus::ok);
    CHECK(out.of("restart-app").at(0).summary ==
          "nothing to do: service[app] started it after the change that notified this handler");
    CHECK_FALSE(s.owes("restart-app"));
  }
  SECTION("the service was running: the handler restarts it") {
    FakeHost host;
    host.services["app"] = true;
    auto out = s.go(host, true);
    CHECK(host.log == std::vector<std::string>{"write /etc/app.conf", "systemctl restart app"});
    CHECK(out.of("restart-app").at(0).status == StateStatus::changed);
  }
}

TEST_CASE("templates see every host through groups, shared by all hosts of the run", "[engine][apply]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - file: /etc/peers\n"
      "        content: \"{{#groups.all}}{{name}}={{address}};{{/groups.all}}\"\n");
  FakeHost host;
  auto out = s.go(host, true);
  CHECK(out.of("file[/etc/peers]").at(0).status == StateStatus::changed);
  CHECK(host.files["/etc/peers"] == "h1=10.0.0.1;");
}

TEST_CASE("templates see how many hosts each group has (Consul's bootstrap_expect)",
          "[engine][apply]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - file: /etc/consul.d/server.hcl\n"
      "        content: \"bootstrap_expect = {{group_size.all}}\"\n");
  FakeHost host;
  auto out = s.go(host, true);
  CHECK(host.files["/etc/consul.d/server.hcl"] == "bootstrap_expect = 1");
}

TEST_CASE("the plan counts '?' states apart from sure changes", "[engine][plan]") {
  Scenario s(
      "plays:\n  - hosts: all\n    states:\n      - command: unlink /etc/x\n        id: fix\n"
      "      - file: /etc/x\n        content: a\n        require: fix\n");
  FakeHost host;
  host.links.insert("/etc/x");
  auto plan = s.go(host, false);
  CHECK(plan.run.hosts.at(0).changed == 1);
  CHECK(plan.run.hosts.at(0).unknown == 1);
  CHECK(plan.run.changes == 2);
}

TEST_CASE("a looped state is one state per item in plan and apply; its loop id names them all",
          "[engine][apply][loop]") {
  Scenario s(
      "vars:\n  confs: [a, b]\n"
      "plays:\n  - hosts: all\n    states:\n"
      "      - package: \"{{item}}\"\n        loop: [curl, jq]\n        id: tools\n"
      "      - file: \"/etc/{{item}}.conf\"\n        content: \"{{item}}\\n\"\n"
      "        loop: \"{{confs}}\"\n        notify: reload\n"
      "      - command: use tools\n        creates: /etc/used\n        require: tools\n"
      "    handlers:\n      - command: reload all\n        id: reload\n");
  FakeHost host;
  host.available = {{"curl", "1"}};  // jq cannot be installed
  auto plan = s.go(host, false);
  std::vector<std::string> ids;
  for (const auto& e : plan.events) ids.push_back(e.id);
  CHECK(ids == std::vector<std::string>{"package[curl]", "package[jq]", "file[/etc/a.conf]",
                                        "file[/etc/b.conf]", "command[use tools]", "reload"});
  CHECK(plan.of("file[/etc/b.conf]").at(0).status == StateStatus::changed);
  auto apply = s.go(host, true);
  CHECK(apply.of("package[curl]").at(0).status == StateStatus::changed);
  CHECK(apply.of("package[jq]").at(0).status == StateStatus::failed);
  CHECK(host.files["/etc/a.conf"] == "a\n");
  CHECK(host.files["/etc/b.conf"] == "b\n");
  // Requiring the loop waits for every item: one failed, so the command is skipped.
  CHECK(apply.of("command[use tools]").at(0).status == StateStatus::skipped);
  CHECK(apply.of("command[use tools]").at(0).summary == "a state it requires failed: package[jq]");
  // Two items changed, the handler runs once.
  CHECK(host.count("cmd: reload all") == 1);
}
