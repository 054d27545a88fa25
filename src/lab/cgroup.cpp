#include "lab/cgroup.hpp"

#include <unistd.h>

#include <filesystem>

namespace forja::lab {

namespace fs = std::filesystem;

namespace {

// The roots of the hierarchies systemd manages, whichever of them this machine has.
std::vector<fs::path> systemd_hierarchies() {
  std::vector<fs::path> roots;
  for (const char* root : {"/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
    std::error_code ec;
    if (fs::exists(fs::path(root) / "cgroup.procs", ec)) roots.emplace_back(root);
  }
  return roots;
}

// rmdir a cgroup tree bottom-up (cgroup files cannot be unlinked; empty dirs can be removed).
void remove_cgroup_tree(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec)) remove_cgroup_tree(entry.path());
  }
  ::rmdir(dir.c_str());
}

}  // namespace

Result<std::vector<std::string>> create_host_cgroups(const PlannedHost& host) {
  std::vector<std::string> procs;
  for (const auto& root : systemd_hierarchies()) {
    auto dir = root / "forja-lab" / host.name;
    remove_cgroup_tree(dir);  // a stale one from a host that was killed
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return fail("cannot create cgroup " + dir.string() + ": " + ec.message());
    procs.push_back((dir / "cgroup.procs").string());
  }
  return procs;
}

void remove_host_cgroups(const PlannedHost& host) {
  for (const auto& root : systemd_hierarchies()) {
    remove_cgroup_tree(root / "forja-lab" / host.name);
    ::rmdir((root / "forja-lab").c_str());  // only succeeds when no other host is left
  }
}

}  // namespace forja::lab
