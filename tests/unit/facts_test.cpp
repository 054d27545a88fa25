#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "facts/facts.hpp"
#include "util/process.hpp"

using namespace forja;

namespace {
std::string recorded(const std::string& name) {
  std::ifstream in(std::string(FORJA_TEST_DATA) + "/facts/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("facts parse recorded outputs of each distribution", "[facts]") {
  struct Case {
    const char* file;
    const char* family;
    const char* distribution;
    const char* version;
    const char* pm;
    const char* init;
    const char* first_address;
  };
  Case cases[] = {
      {"centos7.txt", "redhat", "centos", "7", "yum", "systemd", "10.0.2.15"},
      {"rocky9.txt", "redhat", "rocky", "9.3", "dnf", "systemd", "192.168.56.20"},
      {"ubuntu2204.txt", "debian", "ubuntu", "22.04", "apt", "systemd", "192.168.33.11"},
      {"centos6-nosystemd.txt", "redhat", "centos", "6.10", "yum", "other", "10.0.2.15"},
      // The lab's rpm host (recorded there): Debian underneath, apt-get and dnf both present.
      {"forja-lab-rpm.txt", "redhat", "forja-lab-rpm", "12", "dnf", "systemd", "10.77.0.15"},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    auto f = parse_facts(recorded(c.file));
    CHECK(f.os_family == c.family);
    CHECK(f.distribution == c.distribution);
    CHECK(f.version == c.version);
    CHECK(f.package_manager == c.pm);
    CHECK(f.init_system == c.init);
    REQUIRE_FALSE(f.addresses.empty());
    CHECK(f.addresses.front() == c.first_address);
    CHECK(f.platform().os_family == c.family);
  }
  auto centos = parse_facts(recorded("centos7.txt"));
  CHECK(centos.addresses == std::vector<std::string>{"10.0.2.15", "192.168.33.12"});
  CHECK(centos.python3.empty());
  CHECK(centos.describe() == "centos 7, yum, systemd");
}

TEST_CASE("os family comes from ID and ID_LIKE", "[facts]") {
  CHECK(os_family_of("debian", "") == "debian");
  CHECK(os_family_of("linuxmint", "ubuntu debian") == "debian");
  CHECK(os_family_of("almalinux", "rhel centos fedora") == "redhat");
  CHECK(os_family_of("arch", "") == "unknown");
}

TEST_CASE("the facts script runs on this machine and describes it", "[facts]") {
  ProcessOptions opts;
  opts.input = facts_script();
  auto r = run_process({"sh", "-s"}, opts);
  REQUIRE(r);
  auto f = parse_facts(r->out);
  CHECK(f.os_family == "debian");
  CHECK(f.package_manager == "apt");
  CHECK_FALSE(f.hostname.empty());
  CHECK_FALSE(f.kernel.empty());
}

TEST_CASE("the package manager follows the os family, then what the host has", "[facts]") {
  struct Case {
    const char* family;
    std::vector<std::string> present;
    const char* chosen;
  };
  const Case cases[] = {
      {"redhat", {"apt", "dnf"}, "dnf"},  // an rpm-family lab host: Debian underneath
      {"redhat", {"dnf", "yum"}, "dnf"},  // Rocky 9: yum is a link to dnf
      {"redhat", {"yum"}, "yum"},         // CentOS 7
      {"redhat", {"apt"}, "apt"},         // says rhel, has only apt: apt it is
      {"debian", {"apt", "dnf"}, "apt"},  // Debian with Debian's dnf installed
      {"debian", {"dnf"}, "dnf"},        {"unknown", {"dnf", "yum"}, "dnf"}, {"unknown", {}, ""},
  };
  for (const auto& c : cases) {
    INFO(c.family << " with " << c.present.size() << " package managers");
    CHECK(choose_package_manager(c.family, c.present) == c.chosen);
  }
  // The script lists every package manager present; the parser picks.
  auto rpm_host = parse_facts(
      "@@os-release\nID=forja-lab-rpm\nID_LIKE=\"rhel fedora\"\n@@env\npm=apt-get dnf\n"
      "hostname=lab5\n@@end\n");
  CHECK(rpm_host.os_family == "redhat");
  CHECK(rpm_host.package_manager == "dnf");
  auto debian =
      parse_facts("@@os-release\nID=debian\n@@env\npm=apt-get dnf\nhostname=lab1\n@@end\n");
  CHECK(debian.package_manager == "apt");
}
