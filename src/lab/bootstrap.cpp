#include "lab/bootstrap.hpp"

#include <chrono>
#include <filesystem>

#include "lab/exec.hpp"
#include "lab/files.hpp"
#include "util/text.hpp"

namespace forja::lab {

Result<void> ensure_bootstrap(const LabPaths& paths, const Progress& progress) {
  namespace fs = std::filesystem;
  if (fs::is_directory(paths.bootstrap())) return {};
  auto tmp = paths.cache / "bootstrap.tmp";
  if (auto removed = remove_tree(tmp); !removed) return removed;
  if (auto made = make_dirs(paths.cache); !made) return made;

  std::string include;
  for (const auto& p : base_packages()) include += (include.empty() ? "" : ",") + p;
  progress("lab: debootstrap " + std::string(k_suite) + " into " + tmp.string() +
           " (once; about 2 minutes)");
  auto start = std::chrono::steady_clock::now();
  ProcessOptions opts;
  opts.timeout = std::chrono::minutes(30);
  auto run = run_checked({"debootstrap", "--variant=minbase", "--include=" + include,
                          std::string(k_suite), tmp.string(), std::string(k_mirror)},
                         opts);
  if (!run) {
    return fail("debootstrap failed (is " + std::string(k_mirror) +
                " reachable?): " + run.error().message);
  }
  std::error_code ec;
  fs::rename(tmp, paths.bootstrap(), ec);
  if (ec) return fail("cannot rename " + tmp.string() + ": " + ec.message());
  auto secs =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
  progress("lab: debootstrap done in " + std::to_string(secs.count()) + " s");
  return {};
}

}  // namespace forja::lab
