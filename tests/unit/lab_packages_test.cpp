// The lab's extra packages: the spec grammar, the lab file, the repository stamp and the
// decision to rebuild, and the manifest `forja lab status` shows.
#include <algorithm>
#include <catch2/catch.hpp>

#include "lab/config.hpp"
#include "lab/lab_file.hpp"
#include "lab/local_deb.hpp"
#include "lab/package_spec.hpp"
#include "lab/repo_manifest.hpp"
#include "lab/repo_stamp.hpp"

using namespace forja;
using namespace forja::lab;

namespace {

PackageSpec spec_of(std::string_view word, std::string origin = "--packages") {
  auto spec = parse_package_spec(word, "/work/play");
  REQUIRE(spec);
  spec->origin = std::move(origin);
  return *spec;
}

LocalDeb local_deb(std::string_view path, std::string package, std::string arch = "all") {
  return LocalDeb{spec_of(path), std::move(package), "1.0", std::move(arch), "abc123"};
}

}  // namespace

TEST_CASE("package specs: Debian names, NAME/SUITE, and .deb paths", "[lab][packages]") {
  struct Row {
    std::string word;
    PackageSpec::Kind kind;
    std::string name, suite, file, key;
  };
  auto debian = PackageSpec::Kind::debian;
  auto local = PackageSpec::Kind::local_deb;
  auto row = GENERATE_COPY(values<Row>({
      {"lighttpd", debian, "lighttpd", "bookworm", "", "lighttpd"},
      {"consul/bullseye", debian, "consul", "bullseye", "", "consul/bullseye"},
      {"lighttpd/bookworm", debian, "lighttpd", "bookworm", "", "lighttpd"},
      {"g++-12", debian, "g++-12", "bookworm", "", "g++-12"},
      {"libc6.1-dev/bookworm-backports", debian, "libc6.1-dev", "bookworm-backports", "",
       "libc6.1-dev/bookworm-backports"},
      {"./dist/app_1.0_all.deb", local, "./dist/app_1.0_all.deb", "",
       "/work/play/dist/app_1.0_all.deb", "file:/work/play/dist/app_1.0_all.deb"},
      {"../app.deb", local, "../app.deb", "", "/work/app.deb", "file:/work/app.deb"},
      {"/srv/x/app.deb", local, "/srv/x/app.deb", "", "/srv/x/app.deb", "file:/srv/x/app.deb"},
      {"app.deb", local, "app.deb", "", "/work/play/app.deb", "file:/work/play/app.deb"},
  }));
  INFO(row.word);
  auto spec = parse_package_spec(row.word, "/work/play");
  REQUIRE(spec);
  CHECK(spec->kind == row.kind);
  CHECK(spec->name == row.name);
  CHECK(spec->suite == row.suite);
  CHECK(spec->file.string() == row.file);
  CHECK(spec->key() == row.key);
}

TEST_CASE("package specs that are not names say what is wrong", "[lab][packages]") {
  struct Row {
    std::string word;
    std::string message;
  };
  auto row = GENERATE(values<Row>({
      {"", "an empty package name"},
      {"Nginx",
       "'Nginx' is not a Debian package name (lowercase letters, digits, '+', '-' and "
       "'.', starting with a letter or digit) (did you mean 'nginx'?)"},
      {"a", "'a' is not a Debian package name"},
      {"-o", "'-o' is not a Debian package name"},
      {"--purge", "'--purge' is not a Debian package name"},
      {"nginx light", "'nginx light' is not a Debian package name"},
      {"Consul/bullseye", "'Consul/bullseye': 'Consul' is not a Debian package name"},
      {"consul/", "a package from another Debian suite is written NAME/SUITE"},
      {"consul/bull/seye",
       "a package from another Debian suite is written NAME/SUITE (e.g. "
       "consul/bullseye); a local package file ends in .deb"},
      {"consul/Bullseye", "'consul/Bullseye': 'Bullseye' is not a Debian suite name"},
      {"consul/-o", "'-o' is not a Debian suite name"},
  }));
  INFO(row.word);
  auto spec = parse_package_spec(row.word, "/");
  REQUIRE_FALSE(spec);
  CHECK(spec.error().code == ExitCode::bad_input);
  CHECK_THAT(spec.error().message, Catch::Contains(row.message));
}

TEST_CASE("a --packages list is comma-separated, each item named by origin", "[lab][packages]") {
  auto specs = parse_package_list(" lighttpd, consul/bullseye ,./a_1_all.deb", "--packages", "/w");
  REQUIRE(specs);
  REQUIRE(specs->size() == 3);
  CHECK((*specs)[0].text() == "lighttpd");
  CHECK((*specs)[1].text() == "consul/bullseye");
  CHECK((*specs)[2].file == "/w/a_1_all.deb");
  CHECK((*specs)[2].origin == "--packages");

  auto empty = parse_package_list("nginx,,curl", "--packages", "/w");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == ExitCode::bad_input);
  CHECK(empty.error().message ==
        "--packages: an empty name in 'nginx,,curl' (names are separated by single commas)");
  auto bad = parse_package_list("nginx,Curl", "--packages", "/w");
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::StartsWith("--packages: 'Curl' is not"));
}

TEST_CASE("merged specs: once each, built-in names dropped, one suite per package",
          "[lab][packages]") {
  std::vector<std::string> built_in = {"curl", "haproxy"};
  auto merged = merge_package_specs({spec_of("lighttpd"), spec_of("curl"), spec_of("cowsay"),
                                     spec_of("lighttpd/bookworm", "lab.yml:2:5")},
                                    built_in);
  REQUIRE(merged);
  REQUIRE(merged->size() == 2);
  CHECK((*merged)[0].key() == "cowsay");
  CHECK((*merged)[1].key() == "lighttpd");

  auto two_suites = merge_package_specs(
      {spec_of("lighttpd"), spec_of("lighttpd/bullseye", "lab.yml:3:5")}, built_in);
  REQUIRE_FALSE(two_suites);
  CHECK(two_suites.error().code == ExitCode::bad_input);
  CHECK(two_suites.error().message ==
        "lighttpd is named from two suites: 'lighttpd' (--packages) and 'lighttpd/bullseye' "
        "(lab.yml:3:5); the repository holds one version: name one");

  auto replaces_built_in = merge_package_specs({spec_of("curl/bullseye")}, built_in);
  REQUIRE_FALSE(replaces_built_in);
  CHECK_THAT(replaces_built_in.error().message,
             Catch::Contains("'curl/bullseye' (--packages): curl is in the lab's built-in list"));
}

TEST_CASE("the built-in list may name another suite; the same spec is dropped, another refused",
          "[lab][packages]") {
  std::vector<std::string> built_in = {"curl", "consul/bullseye"};
  auto specs = built_in_specs(built_in);
  REQUIRE(specs.size() == 2);
  CHECK(specs[0].key() == "curl");
  CHECK(specs[1].name == "consul");
  CHECK(specs[1].suite == "bullseye");
  CHECK(specs[1].origin == "built-in list");

  auto merged = merge_package_specs({spec_of("consul/bullseye"), spec_of("lighttpd")}, built_in);
  REQUIRE(merged);
  REQUIRE(merged->size() == 1);
  CHECK((*merged)[0].key() == "lighttpd");

  auto other_suite = merge_package_specs({spec_of("consul", "lab.yml:2:5")}, built_in);
  REQUIRE_FALSE(other_suite);
  CHECK(other_suite.error().message ==
        "'consul' (lab.yml:2:5): consul is in the lab's built-in list, from bullseye; another "
        "suite's version cannot replace it");
}

TEST_CASE("the lab's built-in list holds Consul from bullseye, the rest from bookworm",
          "[lab][packages]") {
  auto specs = built_in_specs(repo_packages());
  auto consul = std::ranges::find(specs, "consul", &PackageSpec::name);
  REQUIRE(consul != specs.end());
  CHECK(consul->suite == "bullseye");
  CHECK(std::ranges::count_if(specs, [](auto& s) { return s.suite != k_suite; }) == 1);
}

TEST_CASE("a lab file lists packages, located at file:line:col", "[lab][packages][lab_file]") {
  auto specs = parse_lab_file("/work/play/lab.yml",
                              "# what the lab needs for these playbooks\n"
                              "packages:\n"
                              "  - lighttpd\n"
                              "  - consul/bullseye\n"
                              "  - ../dist/app_1.0_all.deb\n");
  REQUIRE(specs);
  REQUIRE(specs->size() == 3);
  CHECK((*specs)[0].text() == "lighttpd");
  CHECK((*specs)[0].origin == "/work/play/lab.yml:3:5");
  CHECK((*specs)[1].suite == "bullseye");
  CHECK((*specs)[2].file == "/work/dist/app_1.0_all.deb");  // relative to the file
  CHECK((*specs)[2].origin == "/work/play/lab.yml:5:5");

  auto single = parse_lab_file("/p/lab.yml", "packages: cowsay\n");
  REQUIRE(single);
  REQUIRE(single->size() == 1);
  auto none = parse_lab_file("/p/lab.yml", "");
  REQUIRE(none);
  CHECK(none->empty());
}

TEST_CASE("lab file errors name file:line:col and the culprit", "[lab][packages][lab_file]") {
  struct Row {
    std::string text;
    std::string message;
  };
  auto row = GENERATE(values<Row>({
      {"pakages: [cowsay]\n",
       "/p/lab.yml:1:1: unknown key 'pakages' in the lab file (did you "
       "mean 'packages'?)"},
      {"packages:\n  - cowsay\n  - Nginx\n", "/p/lab.yml:3:5: 'Nginx' is not a Debian package"},
      {"packages:\n  - consul/bull/seye\n", "/p/lab.yml:2:5: 'consul/bull/seye': a package"},
      {"packages:\n  - [a, b]\n", "/p/lab.yml:2:5: a package: expected a string"},
      {"packages: {a: b}\n", "/p/lab.yml:1:11: 'packages': expected a list of package names"},
      {"packages: [a\n", "/p/lab.yml:"},
  }));
  INFO(row.text);
  auto specs = parse_lab_file("/p/lab.yml", row.text);
  REQUIRE_FALSE(specs);
  CHECK(specs.error().code == ExitCode::bad_input);
  CHECK_THAT(specs.error().message, Catch::StartsWith(row.message));
}

TEST_CASE("a missing lab file is bad input naming it", "[lab][packages][lab_file]") {
  auto specs = load_lab_file("/nonexistent/forja/lab.yml");
  REQUIRE_FALSE(specs);
  CHECK(specs.error().code == ExitCode::bad_input);
  CHECK_THAT(specs.error().message, Catch::Contains("/nonexistent/forja/lab.yml"));
}

TEST_CASE("local .deb fields: package, version, architecture, checked", "[lab][packages]") {
  auto spec = spec_of("./app_1.0_all.deb");
  auto deb = parse_deb_fields(spec, "Package: app\nVersion: 2:1.0-1\nArchitecture: all\n");
  REQUIRE(deb);
  CHECK(deb->package == "app");
  CHECK(deb->version == "2:1.0-1");
  CHECK(deb->file_name() == "app_1.0-1_all.deb");  // no epoch, as dpkg-deb --build names it
  auto no_version = parse_deb_fields(spec, "Package: app\nArchitecture: all\n");
  REQUIRE_FALSE(no_version);
  CHECK(no_version.error().message ==
        "'./app_1.0_all.deb' (--packages): the package has no Version field");

  CHECK(check_local_debs({local_deb("./a.deb", "a"), local_deb("./b.deb", "b", "amd64")}, "amd64"));
  auto wrong_arch = check_local_debs({local_deb("./a.deb", "a", "arm64")}, "amd64");
  REQUIRE_FALSE(wrong_arch);
  CHECK(wrong_arch.error().code == ExitCode::bad_input);
  CHECK(wrong_arch.error().message ==
        "'./a.deb' (--packages): a is built for arm64; the lab hosts run amd64 (or 'all')");
  auto twice = check_local_debs({local_deb("./a.deb", "a"), local_deb("./a2.deb", "a")}, "amd64");
  REQUIRE_FALSE(twice);
  CHECK(twice.error().message ==
        "'./a.deb' (--packages) and './a2.deb' (--packages) are both package a: name one");
}

TEST_CASE("the repository stamp without extras is the built-in list as before",
          "[lab][packages][stamp]") {
  // What forjas before --packages wrote and compare: they keep taking such a repository as
  // current, so engineers on older builds do not rebuild it.
  std::string older;
  for (const auto& p : repo_packages()) older += p + "\n";
  CHECK(render_repo_stamp(repo_packages(), {}, {}) == older);
  CHECK(render_repo_stamp({"curl"}, {spec_of("consul/bullseye"), spec_of("lighttpd")},
                          {local_deb("./a.deb", "a")}) ==
        "curl\nconsul/bullseye\nlighttpd\nfile:/work/play/a.deb abc123\n");
}

TEST_CASE("the repository is rebuilt only when the list changes, never under running hosts",
          "[lab][packages][stamp]") {
  struct Row {
    std::string name;
    std::optional<std::string> held;
    std::string wanted;
    HostsRunning running;
    RepoAction action;
    std::vector<std::string> missing, surplus;
  };
  auto no = HostsRunning::no;
  auto yes = HostsRunning::yes;
  auto row = GENERATE_COPY(values<Row>({
      {"same list", "curl\nlighttpd\n", "curl\nlighttpd\n", no, RepoAction::keep, {}, {}},
      {"same list, hosts up", "curl\n", "curl\n", yes, RepoAction::keep, {}, {}},
      {"no repository", std::nullopt, "curl\n", no, RepoAction::rebuild, {}, {}},
      {"one more", "curl\n", "curl\nlighttpd\n", no, RepoAction::rebuild, {}, {}},
      {"one fewer: back to exactly the list",
       "curl\nlighttpd\n",
       "curl\n",
       no,
       RepoAction::rebuild,
       {},
       {}},
      {"one more, hosts up",
       "curl\n",
       "curl\nlighttpd\n",
       yes,
       RepoAction::refuse,
       {"lighttpd"},
       {}},
      {"one fewer, hosts up: kept",
       "curl\nlighttpd\n",
       "curl\n",
       yes,
       RepoAction::keep,
       {},
       {"lighttpd"}},
      {"rebuilt .deb, hosts up",
       "curl\nfile:/a.deb 111\n",
       "curl\nfile:/a.deb 222\n",
       yes,
       RepoAction::refuse,
       {"file:/a.deb"},
       {}},
      {"rebuilt .deb",
       "curl\nfile:/a.deb 111\n",
       "curl\nfile:/a.deb 222\n",
       no,
       RepoAction::rebuild,
       {},
       {}},
  }));
  INFO(row.name);
  auto decision = decide_repo(row.held, row.wanted, row.running);
  CHECK(decision.action == row.action);
  CHECK(decision.missing == row.missing);
  CHECK(decision.surplus == row.surplus);
}

TEST_CASE("the repository manifest round-trips, files with spaces included",
          "[lab][packages][manifest]") {
  RepoManifest manifest{"2026-11-26T13:47:36Z",
                        41,
                        219,
                        {{"consul", "1.8.7+dfsg1-2+b3", "bullseye", ""},
                         {"lighttpd", "1.4.69-1", "bookworm", ""},
                         {"app", "1:1.0", "local", "/home/me/my debs/app_1.0_all.deb"}}};
  auto text = render_repo_manifest(manifest);
  CHECK_THAT(text, Catch::Contains("\nbuilt 2026-11-26T13:47:36Z\nseconds 41\npackages 219\n"
                                   "extra consul 1.8.7+dfsg1-2+b3 bullseye\n"));
  auto parsed = parse_repo_manifest(text, "manifest");
  REQUIRE(parsed);
  CHECK(*parsed == manifest);

  auto newer = parse_repo_manifest("built x\nsigned-by someone\npackages 3\n", "m");
  REQUIRE(newer);  // keys of a newer forja are skipped
  CHECK(newer->packages == 3);
  auto bad = parse_repo_manifest("packages many\n", "/c/repo/forja-repo.manifest");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "/c/repo/forja-repo.manifest:1: bad package count 'many'");
}
