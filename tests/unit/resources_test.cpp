#include <catch2/catch.hpp>

#include "resources/file.hpp"
#include "resources/firewall.hpp"
#include "resources/package.hpp"
#include "resources/resource.hpp"
#include "resources/service.hpp"
#include "resources/user.hpp"

using namespace forja;

namespace {

const Platform k_debian{"debian", "debian", "12", "apt", "systemd"};
const Platform k_centos7{"redhat", "centos", "7", "yum", "systemd"};
const Platform k_rocky9{"redhat", "rocky", "9.3", "dnf", "systemd"};
const Platform k_centos6{"redhat", "centos", "6.10", "yum", "other"};

// Build one resource of `type` from YAML text, as the engine does (check, then make).
std::unique_ptr<Resource> build(const std::string& yaml) {
  auto node = YAML::Load(yaml);
  std::string type = node.begin()->first.Scalar();
  const auto* t = find_resource_type(type);
  REQUIRE(t);
  std::vector<std::string> names;
  std::string name;
  if (node[type].IsSequence()) {
    for (const auto& n : node[type]) names.push_back(n.Scalar());
    for (const auto& n : names) name += (name.empty() ? "" : ",") + n;
  } else {
    name = node[type].Scalar();
  }
  Args args(type, name, node, SourceLocation{"test.yml", 1, 1});
  args.name_list = names;
  auto checked = args.check(t->args, {"id", "require", "notify", "watch", "tags"});
  if (!checked) FAIL(checked.error().message);
  auto r = t->make(args, BuildContext{YAML::Node(YAML::NodeType::Map), "."});
  if (!r) FAIL(r.error().message);
  return std::move(*r);
}

Change plan(const Resource& r, const std::string& probe, const Platform& p, int rc = 0) {
  auto c = r.plan({ProbeOutput{rc, probe}}, p);
  if (!c) FAIL(c.error().message);
  return *c;
}

std::vector<std::string> argv0(const Change& c, std::size_t i = 0) {
  REQUIRE(c.commands.size() > i);
  return c.commands[i].argv;
}

}  // namespace

TEST_CASE("package installs what dpkg does not list as installed", "[resources][package]") {
  auto r = build("package: [haproxy, curl]");
  auto c = plan(*r, "curl|ii |7.88.1-10\n@@candidates\nhaproxy:\n  Installed: (none)\n  Candidate: 2.6.12-1\n", k_debian);
  CHECK(c.kind == ChangeKind::change);
  CHECK(c.summary == "install haproxy");
  CHECK(argv0(c) == std::vector<std::string>{"env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q",
                                             "-o", "Dpkg::Options::=--force-confold", "--", "haproxy"});
}

TEST_CASE("package refreshes the apt index only when a package has no candidate", "[resources][package]") {
  auto r = build("package: haproxy");
  auto c = plan(*r, "@@candidates\nhaproxy:\n  Installed: (none)\n  Candidate: (none)\n", k_debian);
  REQUIRE(c.commands.size() == 2);
  CHECK(argv0(c, 0)[3] == "update");
  CHECK_THAT(c.summary, Catch::Contains("after apt-get update"));
}

TEST_CASE("package is converged when every name is installed", "[resources][package]") {
  auto r = build("package: [haproxy, curl]");
  auto c = plan(*r, "haproxy|ii |2.6.12-1\ncurl|ii |7.88.1-10\n", k_debian);
  CHECK(c.kind == ChangeKind::none);
  CHECK(c.summary == "installed: haproxy 2.6.12-1, curl 7.88.1-10");
}

TEST_CASE("package on CentOS 7 uses yum, on Rocky 9 dnf (recorded rpm -q output)", "[resources][package]") {
  auto r = build("package: [haproxy, wget]");
  // rpm -q prints nothing the probe keeps for missing ones; without an install simulation
  // naming haproxy, it is not in the cached metadata, so the install refreshes it first.
  auto c7 = plan(*r, "wget|ii |1.14-18.el7_6.1\n", k_centos7);
  CHECK(c7.summary == "install haproxy (haproxy is not in yum's cached metadata: refreshing it)");
  CHECK(argv0(c7) == std::vector<std::string>{"yum", "-q", "makecache"});
  CHECK(argv0(c7, 1) == std::vector<std::string>{"yum", "-y", "install", "--", "haproxy"});
  auto c9 = plan(*r,
                 "wget|ii |1.21.1-7.el9\n@@install-sim\nInstalling:\n haproxy  x86_64  "
                 "2.4.22-1.el9  appstream  2.2 M\n",
                 k_rocky9);
  CHECK(c9.summary == "install haproxy");
  CHECK(argv0(c9) == std::vector<std::string>{"dnf", "-y", "install", "--", "haproxy"});
  auto ok = plan(*r, "haproxy|ii |1.5.18-9.el7\nwget|ii |1.14-18.el7_6.1\n", k_centos7);
  CHECK(ok.kind == ChangeKind::none);
}

TEST_CASE("package latest upgrades when yum check-update lists a newer version", "[resources][package]") {
  auto r = build("package: haproxy\nstate: latest");
  auto probe = "haproxy|ii |1.5.18-9.el7\n@@updates\n\nhaproxy.x86_64                1.5.18-9.el7_9.1                updates\n";
  auto c = plan(*r, probe, k_centos7);
  CHECK(c.kind == ChangeKind::change);
  CHECK_THAT(c.summary, Catch::Contains("upgrade"));
  auto s = parse_package_probe(probe, k_centos7);
  CHECK(s["haproxy"].candidate == "1.5.18-9.el7_9.1");
  auto same = plan(*r, "haproxy|ii |1.5.18-9.el7_9.1\n@@updates\n", k_centos7);
  CHECK(same.kind == ChangeKind::none);
}

TEST_CASE("package absent removes only installed ones", "[resources][package]") {
  auto r = build("package: [telnet, rsh]\nstate: absent");
  auto c = plan(*r, "telnet|ii |1:0.17-44\n", k_debian);
  CHECK(argv0(c) == std::vector<std::string>{"env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "remove", "-y", "-q", "--", "telnet"});
}

TEST_CASE("file plans create, update with a diff, attribute fixes, and nothing when equal", "[resources][file]") {
  auto r = build("file: /etc/motd\ncontent: \"hello\\n\"\nmode: '0640'\nowner: root");
  auto missing = plan(*r, "missing\n", k_debian);
  CHECK(missing.kind == ChangeKind::change);
  CHECK_THAT(missing.diff, Catch::Contains("+hello"));
  auto different = plan(*r, "file 640 root root\nabc123\nbye\n", k_debian);
  CHECK(different.summary == "update content");
  CHECK_THAT(different.diff, Catch::Contains("-bye"));
  CHECK_THAT(different.diff, Catch::Contains("+hello"));
  // sha256("hello\n")
  std::string sha = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
  auto mode = plan(*r, "file 644 root root\n" + sha + "\n", k_debian);
  CHECK(mode.summary == "mode 644 -> 0640");
  CHECK(argv0(mode) == std::vector<std::string>{"chmod", "0640", "--", "/etc/motd"});
  auto same = plan(*r, "file 640 root root\n" + sha + "\n", k_debian);
  CHECK(same.kind == ChangeKind::none);
}

TEST_CASE("file refuses to replace a directory", "[resources][file]") {
  auto r = build("file: /etc/motd\ncontent: x");
  CHECK_FALSE(r->plan({ProbeOutput{0, "directory 755 root root\n"}}, k_debian));
}

TEST_CASE("service starts and enables an installed unit, and converges", "[resources][service]") {
  auto r = build("service: haproxy\nstate: running\nenabled: true");
  auto c = plan(*r, "LoadState=loaded\nActiveState=inactive\nUnitFileState=disabled\n", k_debian);
  CHECK(c.kind == ChangeKind::change);
  CHECK(c.summary == "start, enable haproxy");
  CHECK(argv0(c, 0) == std::vector<std::string>{"systemctl", "start", "--", "haproxy"});
  CHECK(argv0(c, 1) == std::vector<std::string>{"systemctl", "enable", "--", "haproxy"});
  auto ok = plan(*r, "LoadState=loaded\nActiveState=active\nUnitFileState=enabled\n", k_debian);
  CHECK(ok.kind == ChangeKind::none);
}

TEST_CASE("service whose unit is not installed yet is unknown, not a promise", "[resources][service]") {
  auto r = build("service: haproxy\nstate: running");
  auto c = plan(*r, "LoadState=not-found\nActiveState=inactive\nUnitFileState=\n", k_debian);
  CHECK(c.kind == ChangeKind::unknown);
}

TEST_CASE("service without systemd uses the service command (CentOS 6)", "[resources][service]") {
  auto r = build("service: haproxy\nstate: running\nenabled: true");
  auto c = plan(*r, "exists=1\nactive=0\nenabled=disabled\n", k_centos6);
  CHECK(argv0(c, 0) == std::vector<std::string>{"service", "haproxy", "start"});
  CHECK(argv0(c, 1)[0] == "sh");
  CHECK(r->probes(k_centos6).front().argv[0] == "sh");
}

TEST_CASE("service action restart always runs and is not expected to converge", "[resources][service]") {
  auto r = build("service: haproxy\naction: reload");
  auto c = plan(*r, "LoadState=loaded\nActiveState=active\nUnitFileState=enabled\n", k_debian);
  CHECK(c.kind == ChangeKind::change);
  CHECK(argv0(c) == std::vector<std::string>{"systemctl", "reload", "--", "haproxy"});
  CHECK_FALSE(r->converges());
}

TEST_CASE("user plans useradd when missing and usermod when the shell differs", "[resources][user]") {
  auto r = build("user: microservices\nshell: /bin/bash\ngroups: [www-data]");
  auto create = plan(*r, "", k_debian);
  CHECK(create.summary == "create user microservices (shell /bin/bash, groups www-data)");
  CHECK(argv0(create) == std::vector<std::string>{"useradd", "--user-group", "--shell", "/bin/bash", "--create-home",
                                                  "--groups", "www-data", "--", "microservices"});
  auto drift = plan(*r, "passwd:microservices:x:1001:1001::/home/microservices:/bin/sh\ngroups:microservices www-data\n", k_debian);
  CHECK(drift.summary == "shell /bin/sh -> /bin/bash");
  CHECK(argv0(drift) == std::vector<std::string>{"usermod", "--shell", "/bin/bash", "--", "microservices"});
  auto ok = plan(*r, "passwd:microservices:x:1001:1001::/home/microservices:/bin/bash\ngroups:microservices www-data\n", k_debian);
  CHECK(ok.kind == ChangeKind::none);
}

TEST_CASE("firewall converges runtime and permanent separately and keeps ssh", "[resources][firewall]") {
  auto r = build("firewall: public\nports: \"5000/tcp 8080/tcp\"\nexclusive: \"true\"");
  std::string probe =
      "zones: block public\n@@runtime\npublic (active)\n  target: default\n  services: dhcpv6-client ssh\n  ports: 5000/tcp\n"
      "@@permanent\npublic\n  target: default\n  services: dhcpv6-client ssh\n  ports: \n";
  auto c = plan(*r, probe, k_centos7);
  CHECK(c.kind == ChangeKind::change);
  CHECK(c.summary == "open 8080/tcp; close dhcpv6-client (runtime); open 5000/tcp 8080/tcp; close dhcpv6-client (permanent)");
  REQUIRE(c.commands.size() == 4);
  // Closing comes first in each layer.
  CHECK(argv0(c, 0) == std::vector<std::string>{"firewall-cmd", "--zone=public", "--remove-service=dhcpv6-client"});
  CHECK(argv0(c, 1) == std::vector<std::string>{"firewall-cmd", "--zone=public", "--add-port=8080/tcp"});
  CHECK(argv0(c, 2) == std::vector<std::string>{"firewall-cmd", "--permanent", "--zone=public", "--remove-service=dhcpv6-client"});
  std::string converged =
      "zones: public\n@@runtime\npublic (active)\n  services: ssh\n  ports: 5000/tcp 8080/tcp\n"
      "@@permanent\npublic\n  services: ssh\n  ports: 8080/tcp 5000/tcp\n";
  CHECK(plan(*r, converged, k_centos7).kind == ChangeKind::none);
  CHECK(plan(*r, "@@runtime\n@@not-running\n", k_centos7).kind == ChangeKind::unknown);
}

TEST_CASE("firewall only opens unless exclusive, and says what each layer has",
          "[resources][firewall]") {
  auto r = build("firewall: public\nports: [5000/tcp]");
  // Runtime has more open than permanent; both have the declared port: nothing to do, and the
  // summary shows each layer as it is.
  std::string probe =
      "zones: public\n@@runtime\npublic (active)\n  services: dhcpv6-client ssh\n  ports: 5000/tcp "
      "9999/tcp\n"
      "@@permanent\npublic\n  services: dhcpv6-client ssh\n  ports: 5000/tcp\n";
  auto c = plan(*r, probe, k_debian);
  CHECK(c.kind == ChangeKind::none);
  CHECK(c.summary ==
        "zone public open: 5000/tcp 9999/tcp dhcpv6-client ssh (runtime); 5000/tcp dhcpv6-client "
        "ssh (permanent)");
  std::string same =
      "zones: public\n@@runtime\npublic (active)\n  services: ssh\n  ports: 5000/tcp\n"
      "@@permanent\npublic\n  services: ssh\n  ports: 5000/tcp\n";
  CHECK(plan(*r, same, k_debian).summary == "zone public open: 5000/tcp ssh (runtime = permanent)");
  // Opening adds only.
  std::string missing =
      "zones: public\n@@runtime\npublic (active)\n  services: dhcpv6-client ssh\n  ports: \n"
      "@@permanent\npublic\n  services: dhcpv6-client ssh\n  ports: \n";
  auto open = plan(*r, missing, k_debian);
  CHECK(open.summary == "open 5000/tcp (runtime+permanent)");
  for (const auto& cmd : open.commands)
    for (const auto& w : cmd.argv) CHECK(w.find("--remove") == std::string::npos);
  // Before firewalld runs, an exclusive zone says it will also close what it does not declare.
  CHECK(plan(*r, "@@absent\n", k_debian).summary ==
        "open 5000/tcp in zone public (firewalld not installed yet)");
  auto exclusive = build("firewall: public\nports: [5000/tcp]\nexclusive: \"true\"");
  CHECK(plan(*exclusive, "@@absent\n", k_debian).summary ==
        "open 5000/tcp ssh in zone public and close whatever else it opens (known once firewalld "
        "runs) "
        "(firewalld not installed yet)");
}

TEST_CASE("firewall reads firewalld's D-Bus replies (busctl) like firewall-cmd's lists", "[resources][firewall]") {
  auto s = parse_firewall_probe(
      "zones: as 2 \"public\" \"trusted\"\n"
      "@@runtime\ngetPorts: aas 2 2 \"5000\" \"tcp\" 2 \"53\" \"udp\"\ngetServices: as 1 \"ssh\"\n"
      "getRichRules: as 1 \"rule family=\\\"ipv4\\\" source address=\\\"1.2.3.4\\\" accept\"\n"
      "@@permanent\ngetPorts: a(ss) 1 \"5000\" \"tcp\"\ngetServices: as 2 \"ssh\" \"dhcpv6-client\"\n");
  CHECK(s.running);
  CHECK(s.zones == std::vector<std::string>{"public", "trusted"});
  CHECK(s.runtime.ports == std::vector<std::string>{"5000/tcp", "53/udp"});
  CHECK(s.runtime.services == std::vector<std::string>{"ssh"});
  CHECK(s.runtime.rich_rules == std::vector<std::string>{"rule family=\"ipv4\" source address=\"1.2.3.4\" accept"});
  CHECK(s.permanent.ports == std::vector<std::string>{"5000/tcp"});
  CHECK(s.permanent.services == std::vector<std::string>{"ssh", "dhcpv6-client"});
}

TEST_CASE("firewall rejects a port without protocol at build time", "[resources][firewall]") {
  auto node = YAML::Load("firewall: public\nports: [\"5000\"]");
  Args args("firewall", "public", node, SourceLocation{"site.yml", 3, 5});
  const auto* t = find_resource_type("firewall");
  auto r = t->make(args, BuildContext{});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("must look like 5000/tcp"));
}

