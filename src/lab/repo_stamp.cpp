#include "lab/repo_stamp.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace forja::lab {

namespace {

std::vector<std::string> stamp_lines(std::string_view stamp) {
  std::vector<std::string> lines;
  for (const auto& line : split_lines(stamp)) {
    if (auto t = trim(line); !t.empty()) lines.push_back(t);
  }
  return lines;
}

// The lines of `a` that `b` does not have, shown by their first word (a file without its hash).
std::vector<std::string> lines_not_in(const std::vector<std::string>& a,
                                      const std::vector<std::string>& b) {
  std::vector<std::string> out;
  for (const auto& line : a) {
    if (std::ranges::find(b, line) == b.end()) out.push_back(line.substr(0, line.find(' ')));
  }
  return out;
}

}  // namespace

std::string render_repo_stamp(const std::vector<std::string>& built_in,
                              const std::vector<PackageSpec>& debian_extras,
                              const std::vector<LocalDeb>& local_debs) {
  std::string stamp;
  for (const auto& p : built_in) stamp += p + "\n";
  for (const auto& spec : debian_extras) stamp += spec.key() + "\n";
  for (const auto& deb : local_debs) stamp += deb.stamp_line() + "\n";
  return stamp;
}

RepoDecision decide_repo(const std::optional<std::string>& held, std::string_view wanted,
                         HostsRunning running) {
  if (!held) return {RepoAction::rebuild, {}, {}};
  if (*held == wanted) return {};
  auto have = stamp_lines(*held);
  auto want = stamp_lines(wanted);
  if (running == HostsRunning::no) return {RepoAction::rebuild, {}, {}};
  auto missing = lines_not_in(want, have);
  if (!missing.empty()) return {RepoAction::refuse, missing, {}};
  return {RepoAction::keep, {}, lines_not_in(have, want)};
}

}  // namespace forja::lab
