#include "lab/repo.hpp"

#include <algorithm>
#include <filesystem>

#include "lab/exec.hpp"
#include "lab/files.hpp"
#include "util/text.hpp"

namespace forja::lab {

namespace fs = std::filesystem;

std::vector<std::string> parse_dependency_closure(std::string_view apt_cache_out) {
  std::vector<std::string> names;
  for (const auto& line : split_lines(apt_cache_out)) {
    if (line.empty() || line.front() == ' ' || line.front() == '<') continue;
    auto name = trim(line);
    if (name.empty()) continue;
    names.push_back(name);
  }
  std::ranges::sort(names);
  auto dup = std::ranges::unique(names);
  names.erase(dup.begin(), dup.end());
  return names;
}

namespace {
constexpr const char* k_repo_stamp = "forja-repo-packages";

std::string repo_stamp() {
  std::string stamp;
  for (const auto& p : repo_packages()) stamp += p + "\n";
  return stamp;
}
}  // namespace

bool repo_is_current(const LabPaths& paths) {
  if (!fs::is_regular_file(paths.repo() / "Packages")) return false;
  auto stamp = read_file(paths.repo() / k_repo_stamp);
  return stamp && *stamp == repo_stamp();
}

Result<void> ensure_repo(const LabPaths& paths, const Progress& progress) {
  if (repo_is_current(paths)) return {};
  auto root = paths.bootstrap().string();
  progress("lab: building the offline package repository " + paths.repo().string() +
           " (once; a few minutes)");

  // The bootstrap tree still has Debian's real sources; it needs name resolution to use them.
  if (auto resolv = read_file("/etc/resolv.conf")) {
    std::error_code ec;
    fs::remove(paths.bootstrap() / "etc/resolv.conf", ec);
    if (auto w = write_file_atomic(paths.bootstrap() / "etc/resolv.conf", *resolv); !w) return w;
  }
  ProcessOptions slow;
  slow.timeout = std::chrono::minutes(30);
  if (auto r = run_in_chroot(root, {"apt-get", "update", "-q"}, slow); !r) {
    return std::unexpected(r.error());
  }

  std::vector<std::string> depends = {"apt-cache",       "depends",       "--recurse",
                                      "--no-recommends", "--no-suggests", "--no-conflicts",
                                      "--no-breaks",     "--no-replaces", "--no-enhances"};
  depends.insert(depends.end(), repo_packages().begin(), repo_packages().end());
  auto closure_out = run_in_chroot(root, depends);
  if (!closure_out) return std::unexpected(closure_out.error());
  auto closure = parse_dependency_closure(closure_out->out);
  progress("lab: downloading " + std::to_string(closure.size()) + " packages");

  const std::string download_dir = "/var/cache/forja-download";
  auto host_download = paths.bootstrap() / "var/cache/forja-download";
  if (auto removed = remove_tree(host_download); !removed) return removed;
  if (auto made = make_dirs(host_download); !made) return made;
  fs::permissions(host_download, fs::perms(0755));
  std::vector<std::string> download = {"env", "-C", download_dir, "apt-get", "download", "-q"};
  download.insert(download.end(), closure.begin(), closure.end());
  if (auto r = run_in_chroot(root, download, slow); !r) return std::unexpected(r.error());

  auto tmp = paths.cache / "repo.tmp";
  if (auto removed = remove_tree(tmp); !removed) return removed;
  std::error_code ec;
  fs::rename(host_download, tmp, ec);
  if (ec) return fail("cannot rename " + host_download.string() + ": " + ec.message());
  auto index = run_checked({"env", "-C", tmp.string(), "dpkg-scanpackages", "-m", "."});
  if (!index) return std::unexpected(index.error());
  if (auto w = write_file_atomic(tmp / "Packages", index->out); !w) return w;
  if (auto w = write_file_atomic(tmp / k_repo_stamp, repo_stamp()); !w) return w;
  // Replace an older repository (its package list changed) only once the new one is complete.
  auto old = paths.cache / "repo.old";
  if (auto removed = remove_tree(old); !removed) return removed;
  if (fs::exists(paths.repo())) fs::rename(paths.repo(), old, ec);
  if (!ec) fs::rename(tmp, paths.repo(), ec);
  if (ec) return fail("cannot rename " + tmp.string() + ": " + ec.message());
  if (auto removed = remove_tree(old); !removed) return removed;
  progress("lab: repository ready: " + paths.repo().string());
  return {};
}

}  // namespace forja::lab
