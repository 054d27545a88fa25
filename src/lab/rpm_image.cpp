#include "lab/rpm_image.hpp"

#include <chrono>
#include <string>
#include <vector>

#include "lab/apt_output.hpp"
#include "lab/apt_private.hpp"
#include "lab/exec.hpp"
#include "lab/files.hpp"
#include "lab/mount.hpp"
#include "lab/repo_plan.hpp"
#include "lab/rpm_files.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"

namespace forja::lab {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Inside the layer while it is built.
constexpr std::string_view k_debs_dir = "tmp/forja-rpm-debs";
constexpr std::string_view k_build_dir = "tmp/forja-rpmbuild";

ProcessOptions slow() {
  ProcessOptions options;
  options.timeout = std::chrono::minutes(30);
  return options;
}

bool has_size(const fs::path& file, std::uintmax_t size) {
  std::error_code ec;
  return fs::is_regular_file(file, ec) && fs::file_size(file, ec) == size;
}

fs::path in_root(const fs::path& root, std::string_view rel) { return root / std::string(rel); }

// The host image, as far as a layer made on it cares: its stamp and every package installed.
std::string base_identity(const LabPaths& paths) {
  auto stamp = read_file(paths.base() / "etc/forja-lab-base");
  auto status = read_file(paths.base() / "var/lib/dpkg/status");
  if (!stamp || !status) return "";
  return sha256_hex(*stamp + *status);
}

std::string wanted_stamp(const LabPaths& paths) {
  return render_rpm_image_stamp(base_identity(paths));
}

std::string seconds_since(Clock::time_point start) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

// The Debian files the layer installs: what rpm_image_packages() need beyond the host image,
// resolved by the lab's private apt against a copy of the image's dpkg status, and put in the
// download pool (only what it lacks is downloaded).
Result<std::vector<AptDownload>> fetch_layer_debs(const LabPaths& paths, const fs::path& work) {
  auto status = work / "status";
  std::error_code ec;
  fs::copy_file(paths.base() / "var/lib/dpkg/status", status, fs::copy_options::overwrite_existing,
                ec);
  if (ec) return fail("cannot copy the host image's dpkg status: " + ec.message());
  auto apt = PrivateApt::prepare(paths.apt(), {}, {});
  if (!apt) return std::unexpected(apt.error());
  if (auto u = apt->run_checked({"apt-get", "update", "-q"}, slow()); !u) {
    return std::unexpected(u.error());
  }
  std::vector<std::string> argv = {"apt-get",
                                   "-o",
                                   "Dir::State::status=" + status.string(),
                                   "install",
                                   "--print-uris",
                                   "-qq",
                                   "--no-install-recommends"};
  argv.insert(argv.end(), rpm_image_packages().begin(), rpm_image_packages().end());
  auto printed = apt->run_checked(argv);
  if (!printed) return std::unexpected(printed.error());
  auto downloads = parse_print_uris(printed->out);
  if (downloads.empty()) return fail("apt resolved nothing to install for the rpm host layer");

  if (auto m = make_dirs(paths.pool()); !m) return std::unexpected(m.error());
  std::vector<std::string> fetch;
  for (const auto& d : downloads) {
    if (has_size(paths.pool() / d.file, d.size)) continue;
    auto [name, version] = deb_file_name_version(d.file);
    fetch.push_back(name + "=" + version);
  }
  if (!fetch.empty()) {
    std::vector<std::string> download = {"env",     "-C",       paths.pool().string(),
                                         "apt-get", "download", "-q"};
    download.insert(download.end(), fetch.begin(), fetch.end());
    if (auto r = apt->run_checked(download, slow()); !r) return std::unexpected(r.error());
  }
  for (const auto& d : downloads) {
    if (!has_size(paths.pool() / d.file, d.size)) {
      return fail("apt-get download left no " + d.file + " of " + std::to_string(d.size) +
                  " bytes in " + paths.pool().string());
    }
  }
  return downloads;
}

// Install the files into the layer mounted at `root` (the host image's repository mounted as
// its apt source, for anything apt prefers to take from there).
Result<void> install_layer_debs(const LabPaths& paths, const fs::path& root,
                                const std::vector<AptDownload>& debs) {
  auto dir = in_root(root, k_debs_dir);
  if (auto m = make_dirs(dir); !m) return m;
  std::vector<std::string> argv = {"apt-get", "install", "-y", "-q", "--no-install-recommends",
                                   // the image's package caches stay the image's own
                                   "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache="};
  for (const auto& d : debs) {
    std::error_code ec;
    fs::copy_file(paths.pool() / d.file, dir / d.file, fs::copy_options::overwrite_existing, ec);
    if (ec) return fail("cannot copy " + d.file + " into the rpm host layer: " + ec.message());
    argv.push_back("/" + std::string(k_debs_dir) + "/" + d.file);
  }
  {
    auto repo = ScopedMount::bind_ro(paths.repo(), in_root(root, k_repo_mount.substr(1)));
    if (!repo) return std::unexpected(repo.error());
    if (auto i = run_in_chroot(root.string(), argv, slow()); !i) return std::unexpected(i.error());
  }
  return remove_tree(dir);
}

// What makes the image an rpm-family host: os-release, dnf's release version (Debian's dnf
// cannot detect one: no package provides system-release), the repository configuration.
Result<void> write_layer_files(const fs::path& root) {
  auto os_release = root / "usr/lib/os-release";
  std::error_code ec;
  fs::remove(os_release, ec);
  if (auto w = write_file_atomic(os_release, render_rpm_os_release()); !w) return w;
  if (auto w = write_file_atomic(root / "etc/dnf/vars/releasever", "12\n"); !w) return w;
  if (auto w = write_file_atomic(root / "etc/yum.repos.d" / (std::string(k_rpm_repo_id) + ".repo"),
                                 render_dnf_repo_file());
      !w) {
    return w;
  }
  return make_dirs(in_root(root, k_rpm_repo_mount.substr(1)));
}

// rpmbuild and createrepo_c, run inside the layer; the repository is copied out to `out`.
Result<void> build_dnf_repo(const fs::path& root, const fs::path& out) {
  auto build = in_root(root, k_build_dir);
  std::string top = "/" + std::string(k_build_dir);
  if (auto m = make_dirs(build / "SPECS"); !m) return m;
  for (const auto& spec : rpm_test_specs()) {
    if (auto w = write_file_atomic(build / "SPECS" / spec.file, spec.text); !w) return w;
    auto r = run_in_chroot(root.string(),
                           {"rpmbuild", "--define", "_topdir " + top, "--define",
                            "__os_install_post %{nil}", "-bb", top + "/SPECS/" + spec.file});
    if (!r) return std::unexpected(r.error());
  }
  if (auto m = make_dirs(build / "repo"); !m) return m;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(build / "RPMS", ec)) {
    if (entry.path().extension() != ".rpm") continue;
    fs::copy_file(entry.path(), build / "repo" / entry.path().filename(),
                  fs::copy_options::overwrite_existing, ec);
    if (ec) return fail("cannot copy " + entry.path().string() + ": " + ec.message());
  }
  if (ec) return fail("cannot list the built packages: " + ec.message());
  if (auto r = run_in_chroot(root.string(), {"createrepo_c", "-q", top + "/repo"}); !r) {
    return std::unexpected(r.error());
  }
  fs::copy(build / "repo", out, fs::copy_options::recursive, ec);
  if (ec) return fail("cannot copy the dnf repository out of the layer: " + ec.message());
  return remove_tree(build);
}

}  // namespace

RpmPaths rpm_paths(const LabPaths& paths) { return RpmPaths{paths.cache / "rpm"}; }

bool rpm_image_exists(const LabPaths& paths) {
  std::error_code ec;
  return fs::is_regular_file(rpm_paths(paths).stamp(), ec);
}

bool rpm_image_current(const LabPaths& paths) {
  auto stamp = read_file(rpm_paths(paths).stamp());
  return stamp && *stamp == wanted_stamp(paths);
}

Result<void> build_rpm_image(const LabPaths& paths, const Progress& progress) {
  auto rp = rpm_paths(paths);
  auto start = Clock::now();
  if (auto u = unmount_rpm_root(paths); !u) return u;
  auto tmp = rp.dir / "image.tmp";
  auto root = tmp / "root";
  // What an interrupted build may have left mounted.
  if (auto u = unmount(in_root(root, k_repo_mount.substr(1))); !u) return u;
  if (auto u = unmount(root); !u) return u;
  if (auto r = remove_tree(tmp); !r) return r;
  for (const auto& dir : {tmp / "layer", tmp / "work", root}) {
    if (auto m = make_dirs(dir); !m) return m;
  }
  progress("lab: building the rpm host layer (" + join(rpm_image_packages()) +
           " over the host image) and its dnf repository in " + rp.dir.string());
  auto debs = fetch_layer_debs(paths, tmp);
  if (!debs) return std::unexpected(debs.error());
  {
    auto layer = ScopedMount::overlay(paths.base(), tmp / "layer", tmp / "work", root);
    if (!layer) return std::unexpected(layer.error());
    if (auto i = install_layer_debs(paths, root, *debs); !i) return i;
    if (auto w = write_layer_files(root); !w) return w;
    if (auto b = build_dnf_repo(root, tmp / "repo"); !b) return b;
  }
  for (const auto& scratch : {tmp / "work", root, tmp / "status"}) {
    if (auto r = remove_tree(scratch); !r) return r;
  }
  if (auto w = write_file_atomic(tmp / "stamp", wanted_stamp(paths)); !w) return w;
  if (auto r = remove_tree(rp.image()); !r) return r;
  std::error_code ec;
  fs::rename(tmp, rp.image(), ec);
  if (ec) return fail("cannot move " + tmp.string() + " into place: " + ec.message());
  progress("lab: rpm host layer (" + std::to_string(debs->size()) +
           " Debian packages) and dnf repository (" + std::to_string(rpm_test_specs().size()) +
           " test packages) built in " + seconds_since(start));
  return {};
}

Result<void> mount_rpm_root(const LabPaths& paths) {
  auto rp = rpm_paths(paths);
  auto lower = "lowerdir=" + rp.layer().string() + ":" + paths.base().string();
  auto options = mount_options(rp.root());
  if (options.find(lower) != std::string::npos) return {};
  if (auto u = unmount(rp.root()); !u) return u;
  return mount_overlay_ro({rp.layer(), paths.base()}, rp.root());
}

Result<void> unmount_rpm_root(const LabPaths& paths) { return unmount(rpm_paths(paths).root()); }

}  // namespace forja::lab
