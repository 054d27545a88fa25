// The package resource's rpm path (dnf, yum): its parsers on outputs recorded from the lab's rpm
// hosts (tests/data/package/dnf-*.txt: the probe's own output, dnf 4.14 and rpm 4.18); yum's
// table and check-update samples are written from yum 3.4's format (no CentOS host here).
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "resources/package.hpp"
#include "resources/package_rpm.hpp"
#include "resources/resource.hpp"

using namespace forja;

namespace {

const Platform k_lab_rpm{"redhat", "forja-lab-rpm", "12", "dnf", "systemd"};
const Platform k_centos7{"redhat", "centos", "7", "yum", "systemd"};

std::string recorded(const std::string& name) {
  std::ifstream in(std::string(FORJA_TEST_DATA) + "/package/" + name);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::unique_ptr<Resource> package(const std::vector<std::string>& names, const std::string& state) {
  const auto* t = find_resource_type("package");
  REQUIRE(t);
  YAML::Node node;
  for (const auto& n : names) node["package"].push_back(n);
  node["state"] = state;
  std::string name;
  for (const auto& n : names) name += (name.empty() ? "" : ",") + n;
  Args args("package", name, node, SourceLocation{"test.yml", 1, 1});
  args.name_list = names;
  auto checked = args.check(t->args, {"id", "require", "notify", "watch", "tags"});
  if (!checked) FAIL(checked.error().message);
  auto r = t->make(args, BuildContext{YAML::Node(YAML::NodeType::Map), "."});
  if (!r) FAIL(r.error().message);
  return std::move(*r);
}

Change plan(const Resource& r, const std::string& probe, const Platform& p) {
  auto c = r.plan({ProbeOutput{0, probe}}, p);
  if (!c) FAIL(c.error().message);
  return *c;
}

using Argv = std::vector<std::string>;

}  // namespace

TEST_CASE("dnf transaction tables parse into steps by section", "[resources][package][rpm]") {
  using K = RpmStep::Kind;
  struct Case {
    const char* name;
    std::string out;
    std::vector<RpmStep> steps;
    std::vector<std::string> no_match;
  };
  const Case cases[] = {
      {"install with a dependency and a name no repository has (lab, dnf 4.14)",
       recorded("dnf-present-cached.txt"),
       {{K::install, "forja-hello", "noarch", "1.1-1"},
        {K::install, "forja-tool", "noarch", "2:1.0-3"},
        {K::dependency, "forja-lib", "noarch", "1.0-1"}},
       {"forja-nope"}},
      {"remove takes a dependent along (lab, dnf 4.14)",
       recorded("dnf-absent.txt"),
       {{K::remove, "forja-lib", "noarch", "1.0-1"},
        {K::dependent, "forja-tool", "noarch", "2:1.0-3"}},
       {}},
      {"remove takes unused dependencies along (lab, dnf 4.14)",
       recorded("dnf-absent-unused.txt"),
       {{K::remove, "forja-daemon", "noarch", "1.0-1"},
        {K::remove, "forja-tool", "noarch", "2:1.0-3"},
        {K::dependent, "forja-lib", "noarch", "1.0-1"}},
       {}},
      {"no cache: dnf -C knows no package (lab, dnf 4.14)",
       recorded("dnf-present-nocache.txt"),
       {},
       {"forja-hello", "forja-tool"}},
      {"unused dependencies and a name dnf wraps onto its own line",
       "Removing:\n forja-tool          noarch          2:1.0-3          @forja-lab            5  "
       "\n"
       "Removing unused dependencies:\n python3-a-very-long-package-name-that-dnf-wraps\n"
       "                     noarch          1.0-1            @forja-lab            4  \n"
       "\nTransaction Summary\n===\nRemove  2 Packages\n",
       {{K::remove, "forja-tool", "noarch", "2:1.0-3"},
        {K::dependent, "python3-a-very-long-package-name-that-dnf-wraps", "noarch", "1.0-1"}},
       {}},
      {"yum 3.4 (CentOS 7), a sample in its format: its own headers and its own 'not found'",
       "No package nosuch available.\nResolving Dependencies\n"
       "================================================================================\n"
       " Package          Arch          Version               Repository        Size\n"
       "================================================================================\n"
       "Installing:\n haproxy          x86_64        1.5.18-9.el7_9.1      updates          834 k\n"
       "Installing for dependencies:\n"
       " libpcre2         x86_64        10.23-2.el7           base             201 k\n"
       "Updating for dependencies:\n"
       " openssl-libs     x86_64        1:1.0.2k-26.el7_9     updates          1.2 M\n"
       "\nTransaction Summary\n"
       "================================================================================\n"
       "Install  1 Package (+1 Dependent package)\nUpgrade             ( 1 Dependent package)\n"
       "Exiting on user command\n",
       {{K::install, "haproxy", "x86_64", "1.5.18-9.el7_9.1"},
        {K::dependency, "libpcre2", "x86_64", "10.23-2.el7"},
        {K::upgrade, "openssl-libs", "x86_64", "1:1.0.2k-26.el7_9"}},
       {"nosuch"}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto t = parse_rpm_transaction(c.out);
    REQUIRE(t.steps.size() == c.steps.size());
    for (std::size_t i = 0; i < c.steps.size(); ++i) {
      CHECK(t.steps[i].kind == c.steps[i].kind);
      CHECK(t.steps[i].name == c.steps[i].name);
      CHECK(t.steps[i].arch == c.steps[i].arch);
      CHECK(t.steps[i].version == c.steps[i].version);
    }
    CHECK(t.no_match == c.no_match);
  }
}

TEST_CASE("check-update lines give each installed package's update", "[resources][package][rpm]") {
  struct Case {
    const char* name;
    std::string out;
    std::map<std::string, std::string> updates;
  };
  const Case cases[] = {
      {"lab, dnf 4.14 (a blank line first)",
       recorded("dnf-latest.txt"),
       {{"forja-hello", "1.1-1"}}},
      {"yum (CentOS 7), a sample in its format, with obsoletes after",
       "\nhaproxy.x86_64                1.5.18-9.el7_9.1                updates\n"
       "python3.11.x86_64             3.11.5-1.el7                    epel\n"
       "Obsoleting Packages\nnew-thing.noarch 2.0-1 base\n    old-thing.noarch 1.0-1 @base\n",
       {{"haproxy", "1.5.18-9.el7_9.1"}, {"python3.11", "3.11.5-1.el7"}}},
      {"nothing to update", "\n", {}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(parse_check_update(c.out) == c.updates);
  }
}

TEST_CASE("rpm -q versions carry the epoch the way dnf prints it", "[resources][package][rpm]") {
  auto s = parse_package_probe(recorded("dnf-present-converged.txt"), k_lab_rpm);
  CHECK(s["forja-hello"].installed);
  CHECK(s["forja-hello"].version == "1.0-1");
  CHECK(s["forja-tool"].version == "2:1.0-3");
  // Installed without a listed update: at the latest version.
  CHECK(s["forja-tool"].candidate == "2:1.0-3");
  auto missing = parse_package_probe(recorded("dnf-present-cached.txt"), k_lab_rpm);
  CHECK_FALSE(missing["forja-hello"].installed);
  CHECK(missing["forja-hello"].candidate == "1.1-1");
  CHECK(missing["forja-nope"].candidate.empty());
}

TEST_CASE("dnf plans on recorded lab outputs", "[resources][package][rpm]") {
  struct Case {
    const char* name;
    std::vector<std::string> packages;
    const char* state;
    std::string probe;
    ChangeKind kind;
    std::string summary;
    std::vector<Argv> commands;
    std::vector<std::string> removes;
  };
  const Case cases[] = {
      {"no metadata cached: install with --refresh",
       {"forja-hello", "forja-tool"},
       "present",
       recorded("dnf-present-nocache.txt"),
       ChangeKind::change,
       "install forja-hello, forja-tool (forja-hello, forja-tool are not in dnf's cached metadata: "
       "refreshing it)",
       {{"dnf", "-y", "--refresh", "install", "--", "forja-hello", "forja-tool"}},
       {}},
      {"cached: no refresh, and what comes along is said",
       {"forja-hello", "forja-tool"},
       "present",
       recorded("dnf-present-cached.txt"),
       ChangeKind::change,
       "install forja-hello, forja-tool; also installs forja-lib 1.0-1",
       {{"dnf", "-y", "install", "--", "forja-hello", "forja-tool"}},
       {}},
      {"one name no repository has: refresh, and let dnf name it",
       {"forja-hello", "forja-nope"},
       "present",
       recorded("dnf-present-cached.txt"),
       ChangeKind::change,
       "install forja-hello, forja-nope (forja-nope is not in dnf's cached metadata: refreshing "
       "it)",
       {{"dnf", "-y", "--refresh", "install", "--", "forja-hello", "forja-nope"}},
       {}},
      {"installed: present has nothing to do, even with an update available",
       {"forja-hello", "forja-tool"},
       "present",
       recorded("dnf-latest.txt"),
       ChangeKind::none,
       "installed: forja-hello 1.0-1, forja-tool 2:1.0-3",
       {},
       {}},
      {"latest pins the version the plan showed (dnf install NAME leaves an installed package)",
       {"forja-hello", "forja-tool"},
       "latest",
       recorded("dnf-latest.txt"),
       ChangeKind::change,
       "upgrade/install forja-hello (forja-hello 1.0-1 -> 1.1-1)",
       {{"dnf", "-y", "install", "--", "forja-hello-1.1-1"}},
       {}},
      {"latest and converged",
       {"forja-hello", "forja-tool"},
       "latest",
       "forja-hello|forja-hello|noarch|ii |1.1-1\nforja-tool|forja-tool|noarch|ii "
       "|2:1.0-3\n@@updates\n\n",
       ChangeKind::none,
       "installed: forja-hello 1.1-1, forja-tool 2:1.0-3",
       {},
       {}},
      {"absent says what dnf takes along, and the engine learns it",
       {"forja-lib", "forja-nope"},
       "absent",
       recorded("dnf-absent.txt"),
       ChangeKind::change,
       "remove forja-lib (also removes forja-tool)",
       {{"dnf", "-y", "remove", "--", "forja-lib"}},
       {"forja-lib", "forja-tool"}},
      {"absent names the unused dependencies dnf removes too",
       {"forja-tool", "forja-daemon"},
       "absent",
       recorded("dnf-absent-unused.txt"),
       ChangeKind::change,
       "remove forja-tool, forja-daemon (also removes forja-lib)",
       {{"dnf", "-y", "remove", "--", "forja-tool", "forja-daemon"}},
       {"forja-tool", "forja-daemon", "forja-lib"}},
      {"absent and converged",
       {"forja-lib"},
       "absent",
       "",
       ChangeKind::none,
       "not installed: forja-lib",
       {},
       {}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = package(c.packages, c.state);
    auto change = plan(*r, c.probe, k_lab_rpm);
    CHECK(change.kind == c.kind);
    CHECK(change.summary == c.summary);
    std::vector<Argv> commands;
    for (const auto& cmd : change.commands) commands.push_back(cmd.argv);
    CHECK(commands == c.commands);
    CHECK(change.removes == c.removes);
  }
}

TEST_CASE("the rpm probe asks dnf or yum from its cache only", "[resources][package][rpm]") {
  auto r = package({"forja-hello"}, "latest");
  auto probes = r->probes(k_lab_rpm);
  REQUIRE(probes.size() == 1);
  const auto& argv = probes[0].argv;
  REQUIRE(argv.size() == 7);
  CHECK(argv[4] == "dnf");
  CHECK(argv[5] == "latest");
  CHECK(argv[6] == "forja-hello");
  std::string script = argv[2];
  CHECK(script.find("-C --color=never check-update") != std::string::npos);
  CHECK(script.find("-C --color=never --assumeno $strict install") != std::string::npos);
  CHECK(script.find("-C --color=never --assumeno remove") != std::string::npos);
  CHECK(r->probes(k_centos7)[0].argv[4] == "yum");
}

TEST_CASE("yum refreshes with makecache, then installs in one transaction",
          "[resources][package][rpm]") {
  auto commands = package_install_commands(k_centos7, {"haproxy", "wget"}, true);
  REQUIRE(commands.size() == 2);
  CHECK(commands[0].argv == Argv{"yum", "-q", "makecache"});
  CHECK(commands[1].argv == Argv{"yum", "-y", "install", "--", "haproxy", "wget"});
  CHECK(package_install_commands(k_centos7, {"haproxy"}, false).size() == 1);
  CHECK(package_install_commands(k_lab_rpm, {"a", "b"}, false)[0].argv ==
        Argv{"dnf", "-y", "install", "--", "a", "b"});
}
