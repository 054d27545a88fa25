#include "lab/keys.hpp"

#include <unistd.h>

#include <filesystem>

#include "lab/exec.hpp"
#include "lab/files.hpp"

namespace forja::lab {

namespace fs = std::filesystem;

namespace {

// Generate an ed25519 key pair at `key` (and key.pub) unless it exists; atomic by rename.
Result<void> ensure_key_pair(const fs::path& key, const std::string& comment) {
  if (fs::exists(key) && fs::exists(fs::path(key.string() + ".pub"))) return {};
  if (auto m = make_dirs(key.parent_path()); !m) return m;
  auto tmp = fs::path(key.string() + ".tmp" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::remove(fs::path(tmp.string() + ".pub"), ec);
  auto gen = run_checked(
      {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", tmp.string()});
  if (!gen) return std::unexpected(gen.error());
  fs::rename(fs::path(tmp.string() + ".pub"), fs::path(key.string() + ".pub"), ec);
  if (!ec) fs::rename(tmp, key, ec);
  if (ec) return fail("cannot move the new key to " + key.string() + ": " + ec.message());
  return {};
}

}  // namespace

Result<std::string> ensure_lab_key(const LabPaths& paths) {
  if (auto k = ensure_key_pair(paths.key(), "forja-lab"); !k) return std::unexpected(k.error());
  return read_file(paths.key().string() + ".pub");
}

Result<std::string> ensure_host_keys(const LabPaths& paths, const PlannedHost& host,
                                     const std::string& lab_public_key) {
  auto dir = paths.host_ssh_dir(host.name);
  if (auto k = ensure_key_pair(dir / "ssh_host_ed25519_key", "root@" + host.name); !k) {
    return std::unexpected(k.error());
  }
  std::error_code ec;
  fs::permissions(dir, fs::perms(0755), ec);
  if (auto w = write_file_atomic(dir / "authorized_keys", lab_public_key); !w) {
    return std::unexpected(w.error());
  }
  return read_file(dir / "ssh_host_ed25519_key.pub");
}

}  // namespace forja::lab
