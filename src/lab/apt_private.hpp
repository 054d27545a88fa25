#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lab/local_deb.hpp"
#include "util/error.hpp"
#include "util/process.hpp"

namespace forja::lab {

// CACHE/apt/apt.conf, given to apt through APT_CONFIG: everything apt reads or writes lives
// under `dir` (sources, lists, cache, an empty dpkg status, no apt.conf.d, no pinning but
// k_suite as the default release), so the machine's apt configuration neither applies nor
// changes. Resolves for `arch` only.
[[nodiscard]] std::string render_private_apt_conf(const std::filesystem::path& dir,
                                                  std::string_view arch);

// Its sources list: main of k_suite and of each other suite from k_mirror, signed by Debian's
// archive keyring, then the flat repository of local package files when `local_dir` is set.
[[nodiscard]] std::string render_private_sources(const std::vector<std::string>& other_suites,
                                                 const std::filesystem::path& local_dir);

// A private apt (see render_private_apt_conf) for building the lab's repository.
class PrivateApt {
 public:
  // Write the configuration under `dir` for k_suite and `other_suites`, and index `local_debs`
  // (linked into dir/local) as one more repository.
  [[nodiscard]] static Result<PrivateApt> prepare(const std::filesystem::path& dir,
                                                  std::vector<std::string> other_suites,
                                                  const std::vector<LocalDeb>& local_debs);

  // Run an apt command (apt-get, apt-cache) with this configuration; a nonzero exit is data.
  [[nodiscard]] Result<ProcessResult> run(std::vector<std::string> argv,
                                          ProcessOptions options = {}) const;
  // The same; a nonzero exit is an error quoting the command and its last lines.
  [[nodiscard]] Result<ProcessResult> run_checked(std::vector<std::string> argv,
                                                  ProcessOptions options = {}) const;

  [[nodiscard]] const std::vector<std::string>& other_suites() const { return m_other_suites; }
  [[nodiscard]] const std::string& arch() const { return m_arch; }

 private:
  PrivateApt(std::filesystem::path dir, std::vector<std::string> other_suites, std::string arch)
      : m_dir(std::move(dir)), m_other_suites(std::move(other_suites)), m_arch(std::move(arch)) {}
  [[nodiscard]] ProcessOptions with_config(ProcessOptions options) const;

  std::filesystem::path m_dir;
  std::vector<std::string> m_other_suites;
  std::string m_arch;
};

// The machine's dpkg architecture (the lab's hosts run the same).
[[nodiscard]] Result<std::string> machine_arch();

}  // namespace forja::lab
