#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "resources/download.hpp"
#include "resources/resource.hpp"
#include "transport/local_transport.hpp"

using namespace forja;

namespace {

const Platform k_centos7{"redhat", "centos", "7", "yum", "systemd"};
const std::string k_sha = "6bec38013cee217f5995846872d4df9bbe27db0d8bd6d705837d2679f1fe9663";
const std::string k_other = "886b67480dbe73b406ad83a1dd6d9596f93089d90c220ccfc91944c95f1c68c4";
const std::string k_bin = "4e749d5527ad3d7c17eee39e86f186017ea0cf27bb86e99e3d2d2666e57ef0dc";
const std::string k_url = "https://releases.hashicorp.com/consul/1.16.1/consul_1.16.1_linux_amd64.zip";

// consul-binary.yml's state, rendered.
const std::string k_consul = "download: /opt/consul/consul_1.16.1_linux_amd64.zip\nurl: " + k_url +
                             "\nsha256: " + k_sha +
                             "\nextract_to: /opt/consul/1.16.1\nbinary: consul\ninstall_to: /usr/local/bin/consul";

Result<std::unique_ptr<Resource>> make(const std::string& yaml) {
  auto node = YAML::Load(yaml);
  const auto* t = find_resource_type("download");
  REQUIRE(t);
  Args args("download", node["download"].Scalar(), node, SourceLocation{"consul-binary.yml", 18, 5});
  if (auto checked = args.check(t->args, {"id", "require", "notify", "watch", "tags"}); !checked)
    return std::unexpected(checked.error());
  return t->make(args, BuildContext{YAML::Node(YAML::NodeType::Map), "."});
}

std::unique_ptr<Resource> build(const std::string& yaml) {
  auto r = make(yaml);
  if (!r) FAIL(r.error().message);
  return std::move(*r);
}

// What each command does, by its script's name ($0) or argv[0].
std::vector<std::string> steps(const Change& c) {
  std::vector<std::string> out;
  for (const auto& cmd : c.commands) out.push_back(cmd.argv.at(0) == "sh" ? cmd.argv.at(3) : cmd.argv.at(0));
  return out;
}

struct Case {
  const char* behaviour;
  std::string yaml;
  std::string probe;
  ChangeKind kind;
  std::string summary;
  std::vector<std::string> steps;
};

}  // namespace

TEST_CASE("download plans from the checksums the probe saw", "[resources][download]") {
  const std::string done = "archive=" + k_sha + "\nattrs=644 root\nextracted=" + k_sha + "\nbinary=" + k_bin +
                           "\ninstalled=" + k_bin + "\n";
  const std::vector<Case> cases = {
      {"fresh host: download, extract, install", k_consul, "archive=\nextracted=\nbinary=\ninstalled=\n",
       ChangeKind::change,
       "download " + k_url + ", extract into /opt/consul/1.16.1, install consul as /usr/local/bin/consul",
       {"forja-download", "forja-extract", "forja-install"}},
      {"converged: the archive's sha256 matches and the binary is the extracted one", k_consul, done,
       ChangeKind::none, "sha256 6bec38013cee matches; /usr/local/bin/consul installed", {}},
      {"installed binary changed by hand: installed again, nothing downloaded", k_consul,
       "archive=" + k_sha + "\nattrs=644 root\nextracted=" + k_sha + "\nbinary=" + k_bin + "\ninstalled=" + k_other + "\n",
       ChangeKind::change, "install consul as /usr/local/bin/consul", {"forja-install"}},
      {"installed binary missing: installed", k_consul,
       "archive=" + k_sha + "\nattrs=644 root\nextracted=" + k_sha + "\nbinary=" + k_bin + "\ninstalled=\n",
       ChangeKind::change, "install consul as /usr/local/bin/consul", {"forja-install"}},
      {"extracted binary deleted: extracted again from the archive already there", k_consul,
       "archive=" + k_sha + "\nattrs=644 root\nextracted=" + k_sha + "\nbinary=\ninstalled=" + k_bin + "\n",
       ChangeKind::change, "extract into /opt/consul/1.16.1, install consul as /usr/local/bin/consul",
       {"forja-extract", "forja-install"}},
      {"archive on disk has other bytes (sha mismatch): downloaded again", k_consul,
       "archive=" + k_other + "\nattrs=644 root\nextracted=" + k_other + "\nbinary=" + k_bin + "\ninstalled=" + k_bin + "\n",
       ChangeKind::change,
       "download " + k_url + " again (sha256 886b67480dbe, want 6bec38013cee), extract into /opt/consul/1.16.1, install consul as /usr/local/bin/consul",
       {"forja-download", "forja-extract", "forja-install"}},
      {"plain download, mode and owner drifted: chmod and chown only",
       "download: /srv/files/data.bin\nurl: http://mirror/data.bin\nsha256: " + k_sha + "\nmode: '0640'\nowner: consul",
       "archive=" + k_sha + "\nattrs=644 root\n", ChangeKind::change, "mode 644 -> 0640, owner root -> consul",
       {"chmod", "chown"}},
      {"plain download converged: mode and owner as asked",
       "download: /srv/files/data.bin\nurl: http://mirror/data.bin\nsha256: " + k_sha + "\nmode: '0640'\nowner: consul:consul",
       "archive=" + k_sha + "\nattrs=640 consul\n", ChangeKind::none, "sha256 6bec38013cee matches", {}},
  };
  for (const auto& c : cases) {
    SECTION(c.behaviour) {
      auto change = build(c.yaml)->plan({ProbeOutput{0, c.probe}}, k_centos7);
      REQUIRE(change);
      CHECK(change->kind == c.kind);
      CHECK(change->summary == c.summary);
      CHECK(steps(*change) == c.steps);
      for (const auto& cmd : change->commands) CHECK(cmd.privilege == Privilege::become);
    }
  }
}

TEST_CASE("download probe output parses", "[resources][download]") {
  auto s = parse_download_probe("archive=" + k_sha + "\nattrs=640 consul\nextracted=\nbinary=" + k_bin + "\ninstalled=\n");
  CHECK(s.archive_sha == k_sha);
  CHECK(s.mode == "640");
  CHECK(s.owner == "consul");
  CHECK(s.extracted.empty());
  CHECK(s.binary_sha == k_bin);
  CHECK(s.installed_sha.empty());
}

TEST_CASE("download arguments are checked at load, located where written", "[resources][download]") {
  struct Bad {
    const char* behaviour;
    std::string yaml;
    std::string message;
  };
  const std::vector<Bad> bad = {
      {"missing sha256", "download: /opt/x.zip\nurl: http://h/x.zip",
       "consul-binary.yml:18:5: download[/opt/x.zip]: missing required argument 'sha256'"},
      {"malformed sha256", "download: /opt/x.zip\nurl: http://h/x.zip\nsha256: abc", "sha256 must be 64 hex digits"},
      {"sha256 with a non-hex digit", "download: /opt/x.zip\nurl: http://h/x.zip\nsha256: " + std::string(63, 'a') + "g",
       "sha256 must be 64 hex digits"},
      {"relative destination", "download: x.zip\nurl: http://h/x.zip\nsha256: " + k_sha, "destination path must be absolute"},
      {"binary without install_to", "download: /opt/x.zip\nurl: http://h/x.zip\nsha256: " + k_sha + "\nextract_to: /opt/x\nbinary: x",
       "give binary and install_to together"},
      {"binary escaping extract_to", "download: /opt/x.zip\nurl: http://h/x.zip\nsha256: " + k_sha +
       "\nextract_to: /opt/x\nbinary: ../../etc/shadow\ninstall_to: /usr/local/bin/x", "binary is a path inside extract_to"},
  };
  for (const auto& b : bad) {
    SECTION(b.behaviour) {
      auto r = make(b.yaml);
      REQUIRE_FALSE(r);
      CHECK_THAT(r.error().message, Catch::Contains(b.message));
      CHECK_THAT(r.error().message, Catch::StartsWith("consul-binary.yml:"));
      CHECK(r.error().code == ExitCode::bad_input);
    }
  }
  SECTION("upper-case sha256 is accepted as the same checksum") {
    std::string upper = k_sha;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto r = make("download: /opt/x.zip\nurl: http://h/x.zip\nsha256: " + upper);
    REQUIRE(r);
    CHECK((*r)->plan({ProbeOutput{0, "archive=" + k_sha + "\n"}}, k_centos7)->kind == ChangeKind::none);
  }
}

// The generated commands run for real (curl reads a file:// URL: no network needed).
TEST_CASE("download commands fetch, verify, extract and install on this machine", "[resources][download]") {
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() / ("forja-download-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "srv");
  auto run = [&](const std::vector<std::string>& argv) {
    LocalTransport t(Connection{});
    auto r = t.exec(Command{argv, "", Privilege::user});
    REQUIRE(r);
    return *r;
  };
  // A release archive with one binary in it.
  fs::create_directories(dir / "build");
  std::ofstream(dir / "build" / "tool") << "#!/bin/sh\necho tool 1.0\n";
  REQUIRE(run({"tar", "-cf", (dir / "srv" / "tool.tar").string(), "-C", (dir / "build").string(), "tool"}).exit_status == 0);
  auto sha = run({"sh", "-c", "sha256sum < \"$1\" | cut -d' ' -f1", "x", (dir / "srv" / "tool.tar").string()}).out;
  sha = sha.substr(0, 64);
  auto dest = (dir / "dl" / "tool.tar").string();
  auto yaml = "download: " + dest + "\nurl: file://" + (dir / "srv" / "tool.tar").string() + "\nsha256: " + sha +
              "\nextract_to: " + (dir / "x").string() + "\nbinary: tool\ninstall_to: " + (dir / "bin" / "tool").string();
  auto resource = build(yaml);
  auto probe_and_plan = [&] {
    auto probe = resource->probes(k_centos7).at(0);
    auto out = run(probe.argv);
    REQUIRE(out.exit_status == 0);
    auto c = resource->plan({ProbeOutput{out.exit_status, out.out}}, k_centos7);
    REQUIRE(c);
    return *c;
  };
  auto fresh = probe_and_plan();
  REQUIRE(fresh.kind == ChangeKind::change);
  for (const auto& cmd : fresh.commands) REQUIRE(run(cmd.argv).exit_status == 0);
  CHECK(run({(dir / "bin" / "tool").string()}).out == "tool 1.0\n");
  CHECK(probe_and_plan().kind == ChangeKind::none);

  // The server now has other bytes: the fetch fails, nothing replaced, no temp file left.
  std::ofstream(dir / "srv" / "tool.tar") << "tampered";
  fs::remove(dest);
  auto again = probe_and_plan();
  REQUIRE(again.kind == ChangeKind::change);
  auto fetched = run(again.commands.at(0).argv);
  CHECK(fetched.exit_status != 0);
  CHECK_THAT(fetched.err, Catch::Contains("sha256 mismatch"));
  CHECK_FALSE(fs::exists(dest));
  CHECK(fs::is_empty(dir / "dl"));
  CHECK(run({(dir / "bin" / "tool").string()}).out == "tool 1.0\n");
  fs::remove_all(dir);
}
