#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace forja::lab {

// Where the lab keeps its files. Both roots can be moved with environment variables.
struct LabPaths {
  std::filesystem::path cache;  // $FORJA_LAB_CACHE or /var/cache/forja-lab: base + repo
  std::filesystem::path state;  // $FORJA_LAB_DIR or /var/lib/forja-lab: keys, inventory, pids

  [[nodiscard]] std::filesystem::path bootstrap() const { return cache / "bootstrap"; }
  [[nodiscard]] std::filesystem::path base() const { return cache / "base"; }
  [[nodiscard]] std::filesystem::path repo() const { return cache / "repo"; }
  // The private apt configuration, lists and local .deb index the repo is resolved with.
  [[nodiscard]] std::filesystem::path apt() const { return cache / "apt"; }
  // Every .deb downloaded for any repository so far: a rebuild downloads only what is new.
  [[nodiscard]] std::filesystem::path pool() const { return cache / "pool"; }
  [[nodiscard]] std::filesystem::path key() const { return state / "id_ed25519"; }
  [[nodiscard]] std::filesystem::path known_hosts() const { return state / "known_hosts"; }
  [[nodiscard]] std::filesystem::path inventory() const { return state / "inventory.yml"; }
  [[nodiscard]] std::filesystem::path state_file() const { return state / "lab.state"; }
  [[nodiscard]] std::filesystem::path lock_file() const { return state / "lab.lock"; }
  // Per-host directory bind-mounted read-only at k_host_ssh_dir: host key + authorized_keys.
  [[nodiscard]] std::filesystem::path host_ssh_dir(std::string_view host) const {
    return state / "hosts" / host;
  }
  [[nodiscard]] std::filesystem::path host_log(std::string_view host) const {
    return state / "logs" / (std::string(host) + ".log");
  }
};

// The paths from the environment (or the defaults).
[[nodiscard]] LabPaths lab_paths();

// The Debian release the base is built from, and its mirror (only used while preparing);
// packages from other suites come from the same mirror.
inline constexpr std::string_view k_suite = "bookworm";
inline constexpr std::string_view k_mirror = "http://deb.debian.org/debian";
// The keys the mirror's suites are signed with (Debian's debian-archive-keyring).
inline constexpr std::string_view k_archive_keyring =
    "/usr/share/keyrings/debian-archive-keyring.gpg";

// Packages installed in the base image.
[[nodiscard]] const std::vector<std::string>& base_packages();

// Packages the offline repository always holds (with all their dependencies), each NAME (from
// k_suite) or NAME/SUITE; users add their own with `forja lab up --packages` or a lab file (see
// lab_file.hpp).
[[nodiscard]] const std::vector<std::string>& repo_packages();
// Installed into the host image from the repo (what minbase omits but real hosts have).
[[nodiscard]] const std::vector<std::string>& image_packages();

// Bump when the base customization changes: a cached base with another stamp is rebuilt.
inline constexpr std::string_view k_base_stamp = "forja-lab-base 3";

// Inside each host: where the repo and the per-host SSH files are mounted.
inline constexpr std::string_view k_repo_mount = "/srv/forja-repo";
inline constexpr std::string_view k_host_ssh_dir = "/etc/ssh/forja-lab";

// Users besides root. `deploy`'s sudo asks this password (documented; lab use only).
inline constexpr std::string_view k_sudo_user = "vagrant";  // passwordless sudo
inline constexpr std::string_view k_password_user = "deploy";
inline constexpr std::string_view k_deploy_password = "forja-lab-sudo";
// Environment variable the inventory names for deploy's sudo password.
inline constexpr std::string_view k_deploy_password_env = "FORJA_LAB_SUDO_PASSWORD";

}  // namespace forja::lab
