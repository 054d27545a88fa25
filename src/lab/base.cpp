#include "lab/base.hpp"

#include <chrono>
#include <filesystem>
#include <functional>

#include "lab/exec.hpp"
#include "lab/files.hpp"
#include "lab/mount.hpp"
#include "lab/render.hpp"
#include "lab/repo.hpp"
#include "util/text.hpp"

namespace forja::lab {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_stamp_file = "etc/forja-lab-base";
// The repository the image's package lists were read from (repo_id); another one needs a new
// image, or hosts would install from lists that no longer match the repository.
constexpr std::string_view k_repo_id_file = "etc/forja-lab-base-repo";

Result<void> write(const fs::path& root, std::string_view rel, std::string_view content,
                   fs::perms mode = fs::perms(0644)) {
  auto file = root / rel;
  std::error_code ec;
  fs::remove(file, ec);  // may be a symlink (resolv.conf)
  return write_file_atomic(file, content, mode);
}

Result<void> remove_glob(const fs::path& dir, std::string_view prefix) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return {};
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.path().filename().string().starts_with(prefix)) continue;
    if (auto r = remove_tree(entry.path()); !r) return r;
  }
  return {};
}

// apt-get update inside `root` from the repository (bind-mounted at k_repo_mount), then `then`
// while it is still mounted; records which repository the lists came from.
Result<void> read_repo_lists(const fs::path& root, const LabPaths& paths,
                             const std::function<Result<void>()>& then) {
  {
    auto mount = ScopedMount::bind_ro(paths.repo(), root / std::string(k_repo_mount).substr(1));
    if (!mount) return std::unexpected(mount.error());
    if (auto u = run_in_chroot(root.string(), {"apt-get", "update", "-q"}); !u) {
      return std::unexpected(u.error());
    }
    if (auto t = then(); !t) return t;
  }
  return write(root, k_repo_id_file, repo_id(paths) + "\n");
}

Result<void> customize(const fs::path& root, const LabPaths& paths) {
  std::string r = root.string();
  std::error_code ec;
  fs::remove(root / "etc/hostname", ec);
  if (auto w = write(root, "etc/resolv.conf", ""); !w) return w;
  if (auto w = write(root, "etc/hosts", render_etc_hosts()); !w) return w;
  if (auto w = write(root, "etc/machine-id", ""); !w) return w;

  // SSH: no host keys of the base's own; each host brings its own (bind-mounted).
  if (auto rm = remove_glob(root / "etc/ssh", "ssh_host_"); !rm) return rm;
  if (auto w = write(root, "etc/ssh/sshd_config.d/forja-lab.conf", render_sshd_config()); !w) {
    return w;
  }
  if (auto m = make_dirs(root / std::string(k_host_ssh_dir).substr(1)); !m) return m;

  // apt: only the local repo, bind-mounted read-only at k_repo_mount; no recommends.
  if (auto rm = remove_glob(root / "etc/apt/sources.list.d", ""); !rm) return rm;
  if (auto w = write(root, "etc/apt/sources.list",
                     "deb [trusted=yes] file:" + std::string(k_repo_mount) + " ./\n");
      !w) {
    return w;
  }
  if (auto w = write(root, "etc/apt/apt.conf.d/90forja-lab",
                     "APT::Install-Recommends \"false\";\nAcquire::Languages \"none\";\n");
      !w) {
    return w;
  }
  if (auto rm = remove_glob(root / "var/lib/apt/lists", ""); !rm) return rm;
  if (auto rm = remove_glob(root / "var/cache/apt/archives", ""); !rm) return rm;
  if (auto rm = remove_glob(root / "var/cache", "forja-download"); !rm) return rm;
  if (auto m = make_dirs(root / "var/lib/apt/lists/partial"); !m) return m;
  if (auto m = make_dirs(root / "var/cache/apt/archives/partial"); !m) return m;
  if (auto m = make_dirs(root / std::string(k_repo_mount).substr(1)); !m) return m;

  // Users: vagrant (passwordless sudo), deploy (sudo asks k_deploy_password).
  for (auto user : {k_sudo_user, k_password_user}) {
    auto add =
        run_in_chroot(r, {"useradd", "--create-home", "--shell", "/bin/bash", std::string(user)});
    if (!add) return std::unexpected(add.error());
  }
  ProcessOptions password;
  password.input = std::string(k_password_user) + ":" + std::string(k_deploy_password) + "\n";
  if (auto p = run_in_chroot(r, {"chpasswd"}, password); !p) return std::unexpected(p.error());
  if (auto w = write(root, "etc/sudoers.d/forja-lab-vagrant",
                     std::string(k_sudo_user) + " ALL=(ALL:ALL) NOPASSWD: ALL\n", fs::perms(0440));
      !w) {
    return w;
  }
  if (auto w = write(root, "etc/sudoers.d/forja-lab-deploy",
                     std::string(k_password_user) + " ALL=(ALL:ALL) ALL\n", fs::perms(0440));
      !w) {
    return w;
  }

  // Package lists from the local repo, so `apt-get install` works without an update first;
  // then what every real Debian/Ubuntu install has but debootstrap's minbase leaves out.
  auto install_image_packages = [&]() -> Result<void> {
    std::vector<std::string> install = {"apt-get", "install", "-y", "-q"};
    for (const auto& p : image_packages()) install.push_back(p);
    ProcessOptions noninteractive;
    noninteractive.extra_env["DEBIAN_FRONTEND"] = "noninteractive";
    if (auto i = run_in_chroot(r, install, noninteractive); !i) return std::unexpected(i.error());
    return {};
  };
  if (auto u = read_repo_lists(root, paths, install_image_packages); !u) return u;
  return write(root, k_stamp_file, std::string(k_base_stamp) + "\n");
}

}  // namespace

bool base_exists(const LabPaths& paths) { return fs::is_directory(paths.base()); }

bool base_is_current(const LabPaths& paths) {
  auto stamp = read_file(paths.base() / k_stamp_file);
  return stamp && trim(*stamp) == k_base_stamp;
}

bool base_lists_current(const LabPaths& paths) {
  auto repo = read_file(paths.base() / k_repo_id_file);
  return repo && trim(*repo) == repo_id(paths);
}

Result<void> refresh_base_lists(const LabPaths& paths, const Progress& progress) {
  auto start = std::chrono::steady_clock::now();
  (void)run_process({"umount", (paths.base() / std::string(k_repo_mount).substr(1)).string()});
  if (auto r = read_repo_lists(paths.base(), paths, [] { return Result<void>(); }); !r) return r;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start);
  progress("lab: host image's package lists read from the new repository in " +
           std::to_string(ms.count()) + " ms");
  return {};
}

Result<void> build_base(const LabPaths& paths, const Progress& progress) {
  auto tmp = paths.cache / "base.tmp";
  (void)run_process({"umount", (tmp / std::string(k_repo_mount).substr(1)).string()});
  if (auto removed = remove_tree(tmp); !removed) return removed;
  progress("lab: building the host image " + paths.base().string());
  if (auto c =
          run_checked({"cp", "-a", "--reflink=auto", paths.bootstrap().string(), tmp.string()});
      !c) {
    return std::unexpected(c.error());
  }
  if (auto c = customize(tmp, paths); !c) return c;
  auto old = paths.cache / "base.old";
  if (auto removed = remove_tree(old); !removed) return removed;
  std::error_code ec;
  if (fs::exists(paths.base())) fs::rename(paths.base(), old, ec);
  if (!ec) fs::rename(tmp, paths.base(), ec);
  if (ec) return fail("cannot move " + tmp.string() + " into place: " + ec.message());
  if (auto removed = remove_tree(old); !removed) return removed;
  progress("lab: host image ready");
  return {};
}

}  // namespace forja::lab
