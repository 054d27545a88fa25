#include "lab/rpm_files.hpp"

#include "util/hash.hpp"

namespace forja::lab {

namespace {

// Bump when the layer is made differently (what is installed, how, which files are written).
constexpr std::string_view k_layer_version = "forja-lab-rpm 1";

// Every spec is a noarch package without automatic dependencies: the host's files come from
// Debian packages the rpm database does not know about.
constexpr const char* k_spec_head = R"SPEC(Summary: forja lab test package
License: MIT
URL: https://example.invalid/forja
BuildArch: noarch
AutoReqProv: no
)SPEC";

std::string hello_spec(std::string_view version) {
  return "Name: forja-hello\nVersion: " + std::string(version) + "\nRelease: 1\n" + k_spec_head +
         R"SPEC(%description
Prints its own version (the lab has two: 1.0 and 1.1).
%install
mkdir -p %{buildroot}/usr/bin
printf '#!/bin/sh\necho "forja-hello %{version}"\n' > %{buildroot}/usr/bin/forja-hello
chmod 755 %{buildroot}/usr/bin/forja-hello
%files
/usr/bin/forja-hello
)SPEC";
}

std::string lib_spec() {
  return std::string("Name: forja-lib\nVersion: 1.0\nRelease: 1\n") + k_spec_head +
         R"SPEC(%description
What forja-tool needs.
%install
mkdir -p %{buildroot}/usr/share/forja-lib
echo "forja-lib %{version}" > %{buildroot}/usr/share/forja-lib/VERSION
%files
/usr/share/forja-lib
)SPEC";
}

std::string tool_spec() {
  return std::string("Name: forja-tool\nEpoch: 2\nVersion: 1.0\nRelease: 3\nRequires: forja-lib\n") +
         k_spec_head + R"SPEC(%description
Depends on forja-lib; has an epoch.
%install
mkdir -p %{buildroot}/usr/bin
printf '#!/bin/sh\necho "forja-tool %{version} with $(cat /usr/share/forja-lib/VERSION)"\n' > %{buildroot}/usr/bin/forja-tool
chmod 755 %{buildroot}/usr/bin/forja-tool
%files
/usr/bin/forja-tool
)SPEC";
}

std::string daemon_spec() {
  auto port = std::to_string(k_rpm_daemon_port);
  return std::string("Name: forja-daemon\nVersion: 1.0\nRelease: 1\n") + k_spec_head +
         "%description\nA systemd service answering HTTP on port " + port + ".\n" +
         R"SPEC(%install
mkdir -p %{buildroot}/usr/lib/systemd/system %{buildroot}/usr/share/forja-daemon
echo "forja-daemon %{version}" > %{buildroot}/usr/share/forja-daemon/index.html
cat > %{buildroot}/usr/lib/systemd/system/forja-daemon.service <<'UNIT'
[Unit]
Description=forja lab test daemon
After=network.target

[Service]
ExecStart=/usr/bin/python3 -m http.server )SPEC" +
         port + R"SPEC( --bind 0.0.0.0 --directory /usr/share/forja-daemon

[Install]
WantedBy=multi-user.target
UNIT
%files
/usr/lib/systemd/system/forja-daemon.service
/usr/share/forja-daemon
)SPEC";
}

}  // namespace

const std::vector<std::string>& rpm_image_packages() {
  static const std::vector<std::string> packages = {"dnf", "rpm", "createrepo-c", "firewalld"};
  return packages;
}

std::string render_rpm_os_release() {
  return "# written by forja lab: Debian with Debian's dnf and rpm, standing in for a RHEL host\n"
         "PRETTY_NAME=\"forja lab rpm host (Debian GNU/Linux 12 with dnf and rpm)\"\n"
         "NAME=\"forja lab rpm host\"\n"
         "ID=forja-lab-rpm\n"
         "ID_LIKE=\"rhel fedora\"\n"
         "VERSION_ID=\"12\"\n"
         "VERSION=\"12 (bookworm with dnf 4 and rpm 4.18)\"\n";
}

std::string render_dnf_repo_file() {
  return "# written by forja lab: test packages built with rpmbuild and createrepo_c\n[" +
         std::string(k_rpm_repo_id) +
         "]\n"
         "name=forja lab test packages\n"
         "baseurl=file://" +
         std::string(k_rpm_repo_mount) +
         "\n"
         "enabled=1\n"
         "gpgcheck=0\n";
}

const std::vector<RpmSpec>& rpm_test_specs() {
  static const std::vector<RpmSpec> specs = {
      {"forja-hello-1.0.spec", hello_spec("1.0")},
      {"forja-hello-1.1.spec", hello_spec("1.1")},
      {"forja-lib.spec", lib_spec()},
      {"forja-tool.spec", tool_spec()},
      {"forja-daemon.spec", daemon_spec()},
  };
  return specs;
}

std::string render_rpm_image_stamp(std::string_view base_identity) {
  std::string made_of = render_rpm_os_release() + render_dnf_repo_file();
  for (const auto& p : rpm_image_packages()) made_of += p + "\n";
  for (const auto& spec : rpm_test_specs()) made_of += spec.file + "\n" + spec.text;
  return std::string(k_layer_version) + "\nbase " + std::string(base_identity) + "\nmade of " +
         sha256_hex(made_of) + "\n";
}

}  // namespace forja::lab
