#include "lab/config.hpp"

#include <cstdlib>

namespace forja::lab {

namespace {
std::filesystem::path env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return (value && *value) ? value : fallback;
}
}  // namespace

LabPaths lab_paths() {
  return {env_or("FORJA_LAB_CACHE", "/var/cache/forja-lab"),
          env_or("FORJA_LAB_DIR", "/var/lib/forja-lab")};
}

const std::vector<std::string>& base_packages() {
  static const std::vector<std::string> packages = {
      "systemd",      "systemd-sysv",   "dbus",   "openssh-server",  "sudo",
      "iproute2",     "python3",        "procps", "ca-certificates", "less",
      "iputils-ping", "libpam-systemd",
  };
  return packages;
}

const std::vector<std::string>& image_packages() {
  // netbase: /etc/protocols and /etc/services; firewalld refuses to start without them
  // ("INVALID_PROTOCOL: esp"). Priority "important" in Debian, so every real host has it.
  static const std::vector<std::string> packages = {"netbase"};
  return packages;
}

const std::vector<std::string>& repo_packages() {
  // consul/bullseye: site.yml's discovery service, as in the seeds; Debian carries Consul
  // (1.8.7, MPL-2.0) only up to bullseye, and its dependencies come from bookworm.
  static const std::vector<std::string> packages = {
      "firewalld",
      "haproxy",
      "python3-venv",
      "python3-flask",
      "python3-pip",
      "etcd-server",
      "etcd-client",
      "curl",
      "unzip",
      "sudo",
      "nftables",
      "iptables",
      "redis-server",
      "consul/bullseye",
      "rsync",
      // Ansible's apt module needs it on the target (bench/ runs ansible-core beside forja).
      "python3-apt",
      // forja's own runtime libraries: tests/integration/test_deb.sh installs the .deb offline.
      "libssh-4", "libyaml-cpp0.7", "libfmt9",
  };
  return packages;
}

}  // namespace forja::lab
