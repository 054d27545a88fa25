// The rpm-family lab hosts: planning, their kind in the state, the inventory group, the nspawn
// command line, and what their layer is made of.
#include <algorithm>
#include <catch2/catch.hpp>

#include "facts/facts.hpp"
#include "lab/machine.hpp"
#include "lab/plan.hpp"
#include "lab/render.hpp"
#include "lab/rpm_files.hpp"
#include "lab/rpm_image.hpp"
#include "lab/state.hpp"

using namespace forja;
using namespace forja::lab;

TEST_CASE("rpm hosts come after the Debian hosts", "[lab][rpm]") {
  auto plan = host_plan(4, 2);
  REQUIRE(plan);
  REQUIRE(plan->size() == 6);
  CHECK((*plan)[3].name == "lab4");
  CHECK((*plan)[3].kind == HostKind::debian);
  CHECK((*plan)[4].name == "lab5");
  CHECK((*plan)[4].address == "10.77.0.15");
  CHECK((*plan)[4].kind == HostKind::rpm);
  CHECK((*plan)[5].kind == HostKind::rpm);
  CHECK(host_plan(4)->back().kind == HostKind::debian);
  CHECK(host_plan(4, -1).error().code == ExitCode::bad_input);
  auto full = host_plan(k_max_hosts - 1, 2);
  REQUIRE_FALSE(full);
  CHECK(full.error().message.find("room for 0 to 1 rpm hosts, not 2") != std::string::npos);
}

TEST_CASE("host kinds live beside the state, in a file older forjas never read",
          "[lab][rpm][state]") {
  LabState state;
  state.ensure(planned_host(1)).pid = 10;
  auto rpm = planned_host(5);
  rpm.kind = HostKind::rpm;
  state.ensure(rpm).pid = 50;
  // lab.state keeps its three columns.
  CHECK(render_state(state).find("lab5 10.77.0.15 50\n") != std::string::npos);
  auto kinds = render_kinds(state);
  CHECK(kinds.find("lab5 rpm\n") != std::string::npos);
  CHECK(kinds.find("lab1") == std::string::npos);

  auto back = parse_state(render_state(state), "lab.state");
  REQUIRE(back);
  CHECK(back->find("lab5")->host.kind == HostKind::debian);
  REQUIRE(apply_kinds(kinds, "lab.kinds", *back));
  CHECK(back->find("lab5")->host.kind == HostKind::rpm);
  CHECK(back->find("lab1")->host.kind == HostKind::debian);

  // A kind for a host the state no longer has (a forja without kinds took the lab down) is
  // ignored; a malformed line is a located error.
  LabState empty;
  CHECK(apply_kinds("lab7 rpm\n", "lab.kinds", empty));
  CHECK(empty.hosts.empty());
  auto bad = apply_kinds("# kinds\nlab5 centos\n", "lab.kinds", *back);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.starts_with("lab.kinds:2: unknown host kind 'centos'"));
  CHECK_FALSE(apply_kinds("lab5\n", "lab.kinds", *back));
  CHECK(kinds_file("/var/lib/forja-lab/lab.state") == "/var/lib/forja-lab/lab.kinds");
}

TEST_CASE("the inventory puts rpm hosts in group rpm, and has none without them",
          "[lab][rpm][render]") {
  LabPaths paths{"/var/cache/forja-lab", "/var/lib/forja-lab"};
  auto plan = host_plan(2, 1);
  REQUIRE(plan);
  auto text = render_inventory(*plan, paths, "vagrant");
  CHECK(text.find("groups:\n  lab:\n    hosts: [lab1, lab2, lab3]\n  rpm:\n    hosts: [lab3]\n") !=
        std::string::npos);
  CHECK(render_inventory(*host_plan(2), paths, "vagrant").find("rpm") == std::string::npos);
}

TEST_CASE("an rpm host boots the layer over the image and gets the dnf repository",
          "[lab][rpm][machine]") {
  LabPaths paths{"/c", "/s"};
  auto debian = nspawn_argv(paths, planned_host(1));
  auto rpm_host = planned_host(5);
  rpm_host.kind = HostKind::rpm;
  auto rpm = nspawn_argv(paths, rpm_host);
  auto has = [](const std::vector<std::string>& argv, const std::string& arg) {
    return std::find(argv.begin(), argv.end(), arg) != argv.end();
  };
  CHECK(has(debian, "--directory=/c/base"));
  CHECK_FALSE(has(debian, "--bind-ro=/c/rpm/image/repo:/srv/forja-rpm"));
  CHECK(has(rpm, "--directory=/c/rpm/root"));
  CHECK(has(rpm, "--bind-ro=/c/rpm/image/repo:/srv/forja-rpm"));
  CHECK(has(rpm, "--volatile=overlay"));
  CHECK(rpm.back() == "--boot");
}

TEST_CASE("an rpm host's os-release names it and declares the rhel family", "[lab][rpm]") {
  auto os = parse_os_release(render_rpm_os_release());
  CHECK(os["ID"] == "forja-lab-rpm");
  CHECK(os["ID_LIKE"] == "rhel fedora");
  CHECK(os_family_of(os["ID"], os["ID_LIKE"]) == "redhat");
  CHECK(os["PRETTY_NAME"].find("Debian") != std::string::npos);
  CHECK(render_dnf_repo_file().find("baseurl=file:///srv/forja-rpm\n") != std::string::npos);
}

TEST_CASE("the test packages: two versions of one, an epoch, a dependency, a systemd unit",
          "[lab][rpm]") {
  std::string all;
  for (const auto& spec : rpm_test_specs()) {
    all += spec.text;
    CHECK(spec.text.find("AutoReqProv: no") != std::string::npos);
    CHECK(spec.text.find("BuildArch: noarch") != std::string::npos);
  }
  CHECK(all.find("Name: forja-hello\nVersion: 1.0\n") != std::string::npos);
  CHECK(all.find("Name: forja-hello\nVersion: 1.1\n") != std::string::npos);
  CHECK(all.find("Epoch: 2\n") != std::string::npos);
  CHECK(all.find("Requires: forja-lib\n") != std::string::npos);
  CHECK(all.find("/usr/lib/systemd/system/forja-daemon.service") != std::string::npos);
  CHECK(all.find("http.server 8090") != std::string::npos);
}

TEST_CASE("the rpm layer is rebuilt when the image under it changes", "[lab][rpm]") {
  auto a = render_rpm_image_stamp("base-a");
  CHECK(a == render_rpm_image_stamp("base-a"));
  CHECK(a != render_rpm_image_stamp("base-b"));
  CHECK(a.starts_with("forja-lab-rpm "));
  CHECK(rpm_paths(LabPaths{"/c", "/s"}).root() == "/c/rpm/root");
}
