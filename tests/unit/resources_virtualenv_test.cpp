#include <catch2/catch.hpp>

#include "resources/resource.hpp"
#include "resources/virtualenv.hpp"

using namespace forja;

namespace {

const Platform k_debian{"debian", "debian", "12", "apt", "systemd"};
const std::string k_path = "/home/microservices/.virtualenvs/flask_environment";

std::unique_ptr<Resource> build(const std::string& yaml) {
  auto node = YAML::Load(yaml);
  const auto* t = find_resource_type("virtualenv");
  REQUIRE(t);
  Args args("virtualenv", node["virtualenv"].Scalar(), node, SourceLocation{"web.yml", 8, 5});
  auto checked = args.check(t->args, {"id", "require", "notify", "watch", "tags"});
  if (!checked) FAIL(checked.error().message);
  auto r = t->make(args, BuildContext{YAML::Node(YAML::NodeType::Map), "."});
  if (!r) FAIL(r.error().message);
  return std::move(*r);
}

// The state of web.yml: flask from Debian's python3-flask through system site packages.
const std::string k_web = "virtualenv: " + k_path +
                          "\nuser: microservices\nsystem_site_packages: true\npackages: [flask]";

// Abridged from the probe run on Debian 12 with python3-flask installed.
const std::string k_base_listing =
    "@@base\nsystem MarkupSafe 2.1.2\nsystem Flask 2.2.2\nsystem Werkzeug 2.2.2\nsystem pip 23.0.1\n"
    "system requests 2.28.1\nsystem setuptools 66.1.1\n@@end\n";
const std::string k_venv_listing_system =
    "@@venv\nvenv setuptools 66.1.1\nvenv pip 23.0.1\nsystem MarkupSafe 2.1.2\nsystem Flask 2.2.2\n"
    "system Werkzeug 2.2.2\nsystem requests 2.28.1\n@@end\n";

std::vector<std::string> as_user(std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"runuser", "-u", "microservices", "--"});
  return argv;
}

std::vector<std::string> pip_install(std::vector<std::string> what, const std::string& path = k_path) {
  std::vector<std::string> argv = {path + "/bin/python", "-m", "pip", "install", "--no-input",
                                   "--disable-pip-version-check"};
  argv.insert(argv.end(), what.begin(), what.end());
  return argv;
}

struct Case {
  const char* behaviour;
  std::string yaml;
  std::string probe;
  ChangeKind kind;
  std::string summary;
  std::vector<std::vector<std::string>> commands;  // empty: not checked beyond count 0 for none
};

}  // namespace

TEST_CASE("virtualenv plans from what the probe saw", "[resources][virtualenv]") {
  const std::string sha_a(64, 'a'), sha_b(64, 'b');
  const std::vector<Case> cases = {
      {"fresh host: creates the venv as its user; a system-site flask needs no pip",
       k_web, "exists=0\n" + k_base_listing, ChangeKind::change,
       "create venv " + k_path + " (system site packages); packages: flask (seen 2.2.2 from system site packages: satisfied)",
       {as_user({"mkdir", "-p", "--", "/home/microservices/.virtualenvs"}),
        as_user({"python3", "-m", "venv", "--system-site-packages", k_path})}},
      {"converged: the venv sees Debian's flask, nothing to do",
       k_web, "exists=1\nsystem_site=true\n" + k_venv_listing_system, ChangeKind::none,
       "venv " + k_path + " present; packages: flask (seen 2.2.2 from system site packages: satisfied)", {}},
      {"fresh host whose python3 is not installed yet: pip install planned, apply re-plans",
       k_web, "exists=0\n@@base\n", ChangeKind::change,
       "create venv " + k_path + " (system site packages); pip install: flask (python3 cannot list system site packages yet: install)",
       {as_user({"mkdir", "-p", "--", "/home/microservices/.virtualenvs"}),
        as_user({"python3", "-m", "venv", "--system-site-packages", k_path}), as_user(pip_install({"flask"}))}},
      {"version bump: only the unsatisfied spec goes to pip",
       "virtualenv: /srv/venv\npackages: [flask>=2, requests==2.31.0]",
       "exists=1\nsystem_site=false\n@@venv\nvenv pip 23.0.1\nvenv Flask 2.2.2\nvenv requests 2.28.1\n@@end\n",
       ChangeKind::change,
       "pip install: flask>=2 (seen 2.2.2 in the venv: satisfied), requests==2.31.0 (seen 2.28.1 in the venv: install)",
       {pip_install({"requests==2.31.0"}, "/srv/venv")}},
      {"an old flask in the venv shadows the system's newer one, as on sys.path",
       "virtualenv: /srv/venv\nsystem_site_packages: true\npackages: [flask>=2]",
       "exists=1\nsystem_site=true\n@@venv\nvenv pip 23.0.1\nvenv Flask 1.1.4\nsystem Flask 2.2.2\n@@end\n",
       ChangeKind::change, "pip install: flask>=2 (seen 1.1.4 in the venv: install)",
       {pip_install({"flask>=2"}, "/srv/venv")}},
      {"system_site_packages differs: flipped in place, never recreated; the base python vouches for flask",
       k_web, "exists=1\nsystem_site=false\n@@venv\nvenv pip 23.0.1\nvenv setuptools 66.1.1\n@@end\n" + k_base_listing,
       ChangeKind::change,
       "venv " + k_path + ": include-system-site-packages false -> true (in place); packages: flask (seen 2.2.2 from system site packages: satisfied)",
       {}},
      {"requirements file changed since the last install: pip install -r, then record its sha256",
       "virtualenv: /srv/venv\nrequirements: /srv/app/requirements.txt",
       "exists=1\nsystem_site=false\nreq_sha=" + sha_b + "\nrecorded_sha=" + sha_a + "\n@@venv\nvenv pip 23.0.1\n@@end\n",
       ChangeKind::change, "pip install -r /srv/app/requirements.txt (sha256 bbbbbbbbbbbb, was aaaaaaaaaaaa)",
       {pip_install({"-r", "/srv/app/requirements.txt"}, "/srv/venv"),
        {"sh", "-c", "printf '%s\\n' \"$1\" > \"$2\"", "forja-venv", sha_b, "/srv/venv/.forja-requirements.sha256"}}},
      {"requirements file unchanged: nothing, whatever pip would have said",
       "virtualenv: /srv/venv\nrequirements: /srv/app/requirements.txt",
       "exists=1\nsystem_site=false\nreq_sha=" + sha_a + "\nrecorded_sha=" + sha_a + "\n@@venv\nvenv pip 23.0.1\n@@end\n",
       ChangeKind::none, "venv /srv/venv present", {}},
      {"requirements file not there (yet): unknown, and apply fails if it stays missing",
       "virtualenv: /srv/venv\nrequirements: /srv/app/requirements.txt",
       "exists=1\nsystem_site=false\nreq=missing\n@@venv\nvenv pip 23.0.1\n@@end\n",
       ChangeKind::unknown, "requirements file /srv/app/requirements.txt is missing", {}},
      {"a venv without pip (made while python3-venv was missing) gets ensurepip, not a new venv",
       "virtualenv: /srv/venv\npackages: [requests]", "exists=1\nsystem_site=false\n@@venv\n@@end\n",
       ChangeKind::change, "bootstrap pip; pip install: requests (not installed: install)",
       {{"/srv/venv/bin/python", "-m", "ensurepip"}, pip_install({"requests"}, "/srv/venv")}},
      {"a listing cut short is not trusted: the spec is installed (pip decides)",
       "virtualenv: /srv/venv\npackages: [flask]", "exists=1\nsystem_site=false\n@@venv\nvenv pip 23.0.1\nvenv Flask 2.2.2\n",
       ChangeKind::change, "pip install: flask (the venv's python could not list its packages: install)",
       {pip_install({"flask"}, "/srv/venv")}},
  };
  for (const auto& c : cases) {
    SECTION(c.behaviour) {
      auto r = build(c.yaml);
      auto change = r->plan({ProbeOutput{0, c.probe}}, k_debian);
      REQUIRE(change);
      CHECK(change->kind == c.kind);
      CHECK(change->summary == c.summary);
      if (c.kind == ChangeKind::none) CHECK(change->commands.empty());
      if (!c.commands.empty()) {
        std::vector<std::vector<std::string>> argvs;
        for (const auto& cmd : change->commands) argvs.push_back(cmd.argv);
        CHECK(argvs == c.commands);
      }
      for (const auto& cmd : change->commands) {
        CHECK(cmd.privilege == Privilege::become);
        // Never recreated: no --clear, no rm, no venv over an existing one.
        for (const auto& word : cmd.argv) CHECK(word != "--clear");
        CHECK(cmd.argv.at(0) != "rm");
        if (c.probe.starts_with("exists=1")) CHECK(std::find(cmd.argv.begin(), cmd.argv.end(), "venv") == cmd.argv.end());
      }
    }
  }
}

TEST_CASE("virtualenv flips include-system-site-packages with a constant script as the owner", "[resources][virtualenv]") {
  auto r = build(k_web);
  auto c = r->plan({ProbeOutput{0, "exists=1\nsystem_site=false\n@@venv\nvenv pip 23.0.1\n@@end\n" + k_base_listing}}, k_debian);
  REQUIRE(c);
  REQUIRE(c->commands.size() == 1);
  const auto& argv = c->commands[0].argv;
  REQUIRE(argv.size() == 10);
  CHECK(std::vector<std::string>(argv.begin(), argv.begin() + 6) ==
        std::vector<std::string>{"runuser", "-u", "microservices", "--", "sh", "-c"});
  CHECK(argv[7] == "forja-venv");
  CHECK(argv[8] == k_path);
  CHECK(argv[9] == "true");
}

TEST_CASE("virtualenv probe is one constant script with the values as arguments", "[resources][virtualenv]") {
  auto r = build(k_web + "\nrequirements: /srv/app/requirements.txt");
  auto probes = r->probes(k_debian);
  REQUIRE(probes.size() == 1);
  const auto& argv = probes[0].argv;
  REQUIRE(argv.size() == 9);
  CHECK(argv[0] == "sh");
  CHECK(argv[2].find(k_path) == std::string::npos);
  CHECK(std::vector<std::string>(argv.begin() + 4, argv.end()) ==
        std::vector<std::string>{k_path, "python3", "/srv/app/requirements.txt", "1", "microservices"});
  CHECK(build("virtualenv: /srv/a\npackages: [x]")->probes(k_debian)[0].argv[2] == argv[2]);
}

TEST_CASE("virtualenv probe output parses into venv and system packages", "[resources][virtualenv]") {
  auto s = parse_venv_probe("exists=1\nsystem_site=true\nreq_sha=abc\nrecorded_sha=abd\n" + k_venv_listing_system);
  CHECK(s.exists);
  CHECK(s.system_site == "true");
  CHECK(s.system_listed);
  CHECK(s.requirements_present);
  CHECK(s.requirements_sha == "abc");
  CHECK(s.recorded_sha == "abd");
  CHECK(s.venv_packages.at("pip") == "23.0.1");
  CHECK(s.system_packages.at("flask") == "2.2.2");
  CHECK(s.system_packages.at("markupsafe") == "2.1.2");
  CHECK_FALSE(s.venv_packages.contains("flask"));
}

TEST_CASE("pip requirement specs parse like pip's", "[resources][virtualenv]") {
  struct Spec {
    const char* text;
    bool ok;
    const char* name;
  };
  const Spec specs[] = {
      {"flask", true, "flask"},
      {"Flask_Login[extra] >= 0.6, <1", true, "flask-login"},
      {"zope.interface==5.5.2", true, "zope-interface"},
      {"requests==2.28.1", true, "requests"},
      {"requests == 2.*", true, "requests"},
      {"flask; python_version<'3'", false, ""},
      {"flask @ https://example.org/flask.whl", false, ""},
      {"flask>=", false, ""},
      {"flask=>2", false, ""},
      {"flask>=2.*", false, ""},
      {"", false, ""},
  };
  for (const auto& s : specs) {
    INFO(s.text);
    auto r = parse_requirement(s.text);
    CHECK(r.has_value() == s.ok);
    if (r && s.ok) CHECK(r->name == s.name);
  }
}

TEST_CASE("installed versions are checked against specs as PEP 440 says", "[resources][virtualenv]") {
  struct Row {
    const char* version;
    const char* spec;
    bool satisfied;
  };
  const Row rows[] = {
      {"2.2.2", "flask", true},
      {"2.2.2", "flask>=2", true},
      {"2.2.2", "flask>2.2", true},
      {"2.2.2", "flask==2.2.2", true},
      {"2.2", "flask==2.2.0", true},
      {"2.2.2", "flask==2.2.3", false},
      {"2.2.2", "flask!=2.2.2", false},
      {"2.2.2", "flask<=2.2.1", false},
      {"1.10", "x>1.9", true},
      {"2.2.2", "flask~=2.2", true},
      {"3.0.0", "flask~=2.2", false},
      {"2.10.3", "x~=2.1.0", false},
      {"2.1.7", "x~=2.1.0", true},
      {"2.2.2", "flask==2.*", true},
      {"3.0", "flask==2.*", false},
      {"2.0rc1", "x>=2.0", false},
      {"2.0rc1", "x<2.0", false},
      {"2.0.dev1", "x<2.0rc1", true},
      {"2.0.post1", "x>2.0", false},
      {"2.0.post1", "x>=2.0", true},
      {"2.28.1+dfsg", "requests==2.28.1", true},
      {"2.28.1", "requests>=2.28,<3", true},
      {"1!1.0", "x>=2.0", true},
      {"2.2.2", "flask===2.2.2", true},
  };
  for (const auto& row : rows) {
    INFO(row.version << " vs " << row.spec);
    auto r = parse_requirement(row.spec);
    REQUIRE(r);
    CHECK(satisfies(row.version, *r) == row.satisfied);
  }
  CHECK(compare_versions("1.10", "1.9") == 1);
  CHECK(compare_versions("1.0", "1.0.0") == 0);
  CHECK(compare_versions("2.0a1", "2.0b1") == -1);
  CHECK(compare_versions("2.0.dev1", "2.0a1") == -1);
}

TEST_CASE("virtualenv rejects what it cannot judge, at the place it was written", "[resources][virtualenv]") {
  const auto* t = find_resource_type("virtualenv");
  auto node = YAML::Load("virtualenv: flask_environment\nuser: microservices");
  Args relative("virtualenv", "flask_environment", node, SourceLocation{"web.yml", 8, 5});
  auto r = t->make(relative, BuildContext{});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("web.yml:") && Catch::Contains("must be absolute"));
  node = YAML::Load("virtualenv: /srv/venv\npackages: [\"flask; python_version<'3'\"]");
  Args marker("virtualenv", "/srv/venv", node, SourceLocation{"web.yml", 8, 5});
  r = t->make(marker, BuildContext{});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("cannot read requirement"));
  CHECK(r.error().code == ExitCode::bad_input);
}
