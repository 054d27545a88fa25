// How the lab builds its repository from apt's outputs: the private apt configuration, the
// parsers of what apt prints, and the pure steps between them (recorded from apt 2.6).
#include <catch2/catch.hpp>

#include "lab/apt_output.hpp"
#include "lab/apt_private.hpp"
#include "lab/config.hpp"
#include "lab/package_spec.hpp"
#include "lab/repo_plan.hpp"

using namespace forja;
using namespace forja::lab;

namespace {

PackageSpec spec_of(std::string_view word, std::string origin = "--packages") {
  auto spec = parse_package_spec(word, "/w");
  REQUIRE(spec);
  spec->origin = std::move(origin);
  return *spec;
}

LocalDeb local_deb(std::string_view path, std::string package) {
  return LocalDeb{spec_of(path), std::move(package), "1.0", "all", "abc"};
}

}  // namespace

TEST_CASE("the private apt reads nothing of the machine's apt configuration", "[lab][apt]") {
  auto conf = render_private_apt_conf("/c/apt", "amd64");
  for (const auto* line : {
           "Dir::Etc::main \"/dev/null\";\n",
           "Dir::Etc::parts \"/c/apt/apt.conf.d\";\n",
           "Dir::Etc::SourceList \"/c/apt/sources.list\";\n",
           "Dir::Etc::SourceParts \"/c/apt/sources.list.d\";\n",
           "Dir::Etc::PreferencesParts \"/c/apt/preferences.d\";\n",
           "Dir::Etc::TrustedParts \"/c/apt/trusted.gpg.d\";\n",
           "Dir::State::Lists \"/c/apt/lists\";\n",
           "Dir::State::status \"/c/apt/status\";\n",
           "Dir::Cache \"/c/apt/cache\";\n",
           "APT::Default-Release \"bookworm\";\n",
           "APT::Architectures { \"amd64\"; };\n",
       }) {
    CHECK_THAT(conf, Catch::Contains(line));
  }
  CHECK(conf.find("/etc/apt") == std::string::npos);
  CHECK(conf.find("/var/lib/apt") == std::string::npos);
}

TEST_CASE("private sources: the bootstrap's mirror for every suite, then local files",
          "[lab][apt]") {
  CHECK(render_private_sources({}, {}) ==
        "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
        "http://deb.debian.org/debian bookworm main\n");
  CHECK(render_private_sources({"bullseye"}, "/c/apt/local") ==
        "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
        "http://deb.debian.org/debian bookworm main\n"
        "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
        "http://deb.debian.org/debian bullseye main\n"
        "deb [trusted=yes] file:/c/apt/local ./\n");
}

TEST_CASE("madison: versions per suite, flat repositories as '.'", "[lab][apt]") {
  auto versions = parse_madison(
      "    consul | 1.8.7+dfsg1-2+b3 | http://deb.debian.org/debian bullseye/main amd64 Packages\n"
      "  lighttpd |   1.4.69-1 | http://deb.debian.org/debian bookworm/main amd64 Packages\n"
      "  lighttpd | 1.4.59-1+deb11u2 | http://deb.debian.org/debian bullseye/main amd64 Packages\n"
      "  lighttpd |   1.4.69-1 | http://deb.debian.org/debian bookworm/main Sources\n"
      "forja-hello |        1.0 | file:/var/cache/forja-lab/apt/local ./ Packages\n"
      "N: garbage\n");
  REQUIRE(versions.size() == 4);
  CHECK(versions[0].name == "consul");
  CHECK(versions[0].version == "1.8.7+dfsg1-2+b3");
  CHECK(versions[0].suite == "bullseye");
  CHECK(versions[1].suite == "bookworm");
  CHECK(versions[3].name == "forja-hello");
  CHECK(versions[3].suite == ".");
}

TEST_CASE("print-uris: file, size and sha256 of each download", "[lab][apt]") {
  auto downloads = parse_print_uris(
      "'http://deb.debian.org/debian/pool/main/c/curl/curl_7.88.1-10%2bdeb12u15_amd64.deb' "
      "curl_7.88.1-10+deb12u15_amd64.deb 315764 "
      "SHA256:0dd9b6bf7a0bd11af2d68a52ec44c2a223fa7c11f9104c36ce1047e1137d4a8f\n"
      "'http://deb.debian.org/debian/pool/main/p/pam/libpam0g_1.5.2-6%2bdeb12u1_amd64.deb' "
      "libpam0g_1.5.2-6+deb12u1_amd64.deb 74032 MD5Sum:0123\n"
      "W: something\n");
  REQUIRE(downloads.size() == 2);
  CHECK(downloads[0].uri ==
        "http://deb.debian.org/debian/pool/main/c/curl/curl_7.88.1-10%2bdeb12u15_amd64.deb");
  CHECK(downloads[0].file == "curl_7.88.1-10+deb12u15_amd64.deb");
  CHECK(downloads[0].size == 315764);
  CHECK(downloads[0].sha256 == "0dd9b6bf7a0bd11af2d68a52ec44c2a223fa7c11f9104c36ce1047e1137d4a8f");
  CHECK(downloads[1].sha256.empty());
}

TEST_CASE("apt-get update errors name the suites the mirror lacks", "[lab][apt]") {
  auto out =
      "Err:7 http://deb.debian.org/debian bullsey Release\n"
      "  404  Not Found [IP: 203.0.113.80 80]\n"
      "E: The repository 'http://deb.debian.org/debian bullsey Release' does not have a "
      "Release file.\n"
      "E: The repository 'http://deb.debian.org/debian trixy Release' does not have a Release "
      "file.\n";
  CHECK(suites_without_release(out, {"bullsey", "trixy", "bookworm-backports"}) ==
        std::vector<std::string>{"bullsey", "trixy"});
  CHECK(suites_without_release("E: Failed to fetch http://x/InRelease  Connection failed\n",
                               {"bullseye"})
            .empty());
}

TEST_CASE("closure roots: built-in, extras as asked, local packages", "[lab][repo]") {
  CHECK(closure_roots({"curl"}, {spec_of("consul/bullseye"), spec_of("lighttpd")},
                      {local_deb("./app_1.0_all.deb", "app")}) ==
        std::vector<std::string>{"curl", "consul/bullseye", "lighttpd", "app"});
}

TEST_CASE("downloads: another suite's extra as NAME/SUITE, local packages left out",
          "[lab][repo]") {
  // consul/bullseye's dependencies come from bookworm (the default release); only consul
  // itself must be fetched from bullseye. A local file replaces a Debian package of its name.
  auto names = download_names({"adduser", "consul", "libc6", "lighttpd", "pipexec", "app"},
                              {spec_of("consul/bullseye"), spec_of("lighttpd")},
                              {local_deb("./app_1.0_all.deb", "app")});
  CHECK(names ==
        std::vector<std::string>{"adduser", "consul/bullseye", "libc6", "lighttpd", "pipexec"});
}

TEST_CASE("missing packages: each named with its origin and a way out", "[lab][repo]") {
  std::vector<AptVersion> versions = {{"consul", "1.8.7", "bullseye"},
                                      {"lighttpd", "1.4.69-1", "bookworm"},
                                      {"lighttpd", "1.4.59-1", "bullseye"}};
  auto missing = find_missing({spec_of("lighttpd"), spec_of("consul", "lab.yml:3:5"),
                               spec_of("forja-no-such"), spec_of("lighttpf")},
                              versions);
  REQUIRE(missing.size() == 3);
  CHECK(missing[0].spec.name == "consul");
  CHECK(missing[0].found_in == std::vector<std::string>{"bullseye"});
  missing[2].suggestion = "lighttpd";
  CHECK(missing_packages_message(missing) ==
        "Debian does not have these packages (nothing was built or changed):\n"
        "  'consul' (lab.yml:3:5): Debian bookworm has no package 'consul'; bullseye has it: "
        "name it 'consul/bullseye'\n"
        "  'forja-no-such' (--packages): Debian bookworm has no package 'forja-no-such'\n"
        "  'lighttpf' (--packages): Debian bookworm has no package 'lighttpf' (did you mean "
        "'lighttpd'?)");
  CHECK(find_missing({spec_of("consul/bullseye"), spec_of("lighttpd/bullseye")}, versions).empty());
  auto wrong_suite = find_missing({spec_of("consul/trixie")}, versions);
  REQUIRE(wrong_suite.size() == 1);
  CHECK_THAT(missing_packages_message(wrong_suite),
             Catch::Contains("Debian does not have this package (nothing was built or "
                             "changed):\n  'consul/trixie' (--packages): Debian trixie has no "
                             "package 'consul'; bullseye has it"));
}

TEST_CASE("a mistyped suite is named, with the suite meant", "[lab][repo]") {
  CHECK(missing_suites_message({"bullsey"}, {spec_of("lighttpd"), spec_of("consul/bullsey")}) ==
        "the Debian mirror http://deb.debian.org/debian has no suite 'bullsey' (nothing was "
        "built or changed):\n"
        "  'consul/bullsey' (--packages): no suite 'bullsey' (did you mean 'bullseye'?)");
}

TEST_CASE("local dependencies nothing can satisfy are named, alternatives and providers count",
          "[lab][repo]") {
  // apt-cache depends (no --recurse) of two local packages, recorded.
  auto problems = unsatisfiable_depends(
      "forja-bad\n"
      "  PreDepends: <nosuch-pre>\n"
      " |Depends: lighttpd\n"
      "  Depends: <httpd>\n"
      "    apache2\n"
      "    lighttpd\n"
      "  Depends: <nosuch-dep-xyz>\n"
      "  Depends: cowsay\n"
      " |Depends: <nosuch-a>\n"
      "  Depends: <nosuch-b>\n"
      "  Depends: <mail-transport-agent>\n"
      "    exim4-daemon-light\n"
      "    postfix\n"
      " |Depends: <nosuch-c>\n"
      "  Depends: <httpd>\n"
      "    nginx\n"
      "forja-hello\n"
      "  Depends: cowsay\n");
  CHECK(problems == std::vector<std::string>{"forja-bad depends on 'nosuch-pre'",
                                             "forja-bad depends on 'nosuch-dep-xyz'",
                                             "forja-bad depends on 'nosuch-a | nosuch-b'"});
  CHECK(unsatisfiable_depends("forja-hello\n  Depends: cowsay\n").empty());
}

TEST_CASE("apt's file names give package and version, epochs decoded", "[lab][repo]") {
  struct Row {
    std::string file, name, version;
  };
  auto row = GENERATE(values<Row>({
      {"libcrypt1_1%3a4.4.33-2_amd64.deb", "libcrypt1", "1:4.4.33-2"},
      {"consul_1.8.7+dfsg1-2+b3_amd64.deb", "consul", "1.8.7+dfsg1-2+b3"},
      {"weird_1%zz_all.deb", "weird", "1%zz"},
      {"noversion", "noversion", ""},
  }));
  CHECK(deb_file_name_version(row.file) == std::pair{row.name, row.version});
}

TEST_CASE("the manifest's extras carry the versions downloaded", "[lab][repo]") {
  std::vector<AptDownload> downloads = {
      {"u", "consul_1.8.7+dfsg1-2+b3_amd64.deb", 1, ""},
      {"u", "lighttpd_1.4.69-1_amd64.deb", 1, ""},
      {"u", "libc6_2.36-9+deb12u14_amd64.deb", 1, ""},
  };
  auto extras = manifest_extras({spec_of("consul/bullseye"), spec_of("lighttpd")},
                                {local_deb("./app_1.0_all.deb", "app")}, downloads);
  CHECK(extras == std::vector<RepoExtra>{{"consul", "1.8.7+dfsg1-2+b3", "bullseye", ""},
                                         {"lighttpd", "1.4.69-1", "bookworm", ""},
                                         {"app", "1.0", "local", "/w/app_1.0_all.deb"}});
}

TEST_CASE("dependency closure keeps real packages once, skips virtual ones", "[lab][repo]") {
  auto names = parse_dependency_closure(
      "curl\n  Depends: libc6\n  Depends: <libcurl4-virtual>\nlibc6\n  Depends: libgcc-s1\n"
      "<libcurl4-virtual>\nlibgcc-s1\ncurl\n");
  CHECK(names == std::vector<std::string>{"curl", "libc6", "libgcc-s1"});
}
