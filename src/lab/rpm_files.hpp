#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace forja::lab {

// Pure contents of the rpm-family lab hosts' image layer and dnf repository (see rpm_image.hpp).

// Inside each rpm host: where its dnf repository is mounted (read-only).
inline constexpr std::string_view k_rpm_repo_mount = "/srv/forja-rpm";
// The dnf repository's id, as dnf names it ("@forja-lab" in rpm -qi, dnf list).
inline constexpr std::string_view k_rpm_repo_id = "forja-lab";

// Debian packages the layer adds to the host image: Debian's dnf 4 and rpm 4.18, createrepo-c
// and rpmbuild (the repository is built inside the layer), firewalld (rhel hosts have it).
[[nodiscard]] const std::vector<std::string>& rpm_image_packages();

// /usr/lib/os-release of an rpm host: says what it is (Debian with Debian's dnf and rpm) and
// declares the rhel family (ID_LIKE="rhel fedora") so tools choose their rpm paths.
[[nodiscard]] std::string render_rpm_os_release();

// /etc/yum.repos.d/forja-lab.repo: the lab's dnf repository, on k_rpm_repo_mount.
[[nodiscard]] std::string render_dnf_repo_file();

// One package the repository holds, as an rpm spec file.
struct RpmSpec {
  std::string file;  // "forja-hello-1.0.spec"
  std::string text;
};
// The test packages: forja-hello 1.0-1 and 1.1-1 (a newer version for `state: latest`),
// forja-lib 1.0-1 and forja-tool 2:1.0-3 (an epoch, and a dependency: removing forja-lib takes
// forja-tool along), forja-daemon 1.0-1 (a systemd unit: an HTTP server on k_rpm_daemon_port).
[[nodiscard]] const std::vector<RpmSpec>& rpm_test_specs();
inline constexpr int k_rpm_daemon_port = 8090;

// What the layer and repository were built from; another stamp means they are rebuilt.
// `base_identity` names the host image underneath (a layer only fits the image it was made on).
[[nodiscard]] std::string render_rpm_image_stamp(std::string_view base_identity);

}  // namespace forja::lab
