#include "lab/exec.hpp"

#include "util/shell.hpp"
#include "util/text.hpp"

namespace forja::lab {

Result<ProcessResult> run_checked(const std::vector<std::string>& argv,
                                  const ProcessOptions& options) {
  auto result = run_process(argv, options);
  if (!result) return result;
  if (result->exit_status != 0) {
    auto tail = last_lines(result->err.empty() ? result->out : result->err, 8);
    return fail(shell_join(argv) + ": exited " + std::to_string(result->exit_status) +
                (tail.empty() ? "" : ":\n" + tail));
  }
  return result;
}

Result<ProcessResult> run_in_chroot(const std::string& root, std::vector<std::string> argv,
                                    const ProcessOptions& options) {
  argv.insert(argv.begin(), {"chroot", root});
  ProcessOptions opts = options;
  opts.extra_env.emplace("DEBIAN_FRONTEND", "noninteractive");
  opts.extra_env.emplace("LC_ALL", "C.UTF-8");
  opts.extra_env.emplace("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  return run_checked(argv, opts);
}

}  // namespace forja::lab
