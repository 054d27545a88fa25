#include "lab/mount.hpp"

#include <optional>
#include <sstream>

#include "lab/exec.hpp"
#include "lab/files.hpp"

namespace forja::lab {

namespace fs = std::filesystem;

namespace {

// /proc/self/mounts escapes blanks, tabs, newlines and backslashes as octal (\040 ...).
std::string unescape_mount_field(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      auto digits = field.substr(i + 1, 3);
      if (digits.find_first_not_of("01234567") == std::string::npos) {
        out += static_cast<char>(std::stoi(digits, nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

// The options of the last mount at `path`, if any.
std::optional<std::string> find_mount(const fs::path& path) {
  auto mounts = read_file("/proc/self/mounts");
  if (!mounts) return std::nullopt;
  auto want = path.lexically_normal().string();
  std::optional<std::string> found;
  std::istringstream lines(*mounts);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string device, target, type, options;
    if (!(fields >> device >> target >> type >> options)) continue;
    if (unescape_mount_field(target) == want) found = options;
  }
  return found;
}

}  // namespace

Result<ScopedMount> ScopedMount::bind_ro(const fs::path& from, const fs::path& to) {
  auto r = run_checked({"mount", "--bind", "-o", "ro", from.string(), to.string()});
  if (!r) return std::unexpected(r.error());
  return ScopedMount(to);
}

Result<ScopedMount> ScopedMount::overlay(const fs::path& lower, const fs::path& upper,
                                         const fs::path& work, const fs::path& to) {
  auto r = run_checked(
      {"mount", "-t", "overlay", "forja-lab-build", "-o",
       "lowerdir=" + lower.string() + ",upperdir=" + upper.string() + ",workdir=" + work.string(),
       to.string()});
  if (!r) return std::unexpected(r.error());
  return ScopedMount(to);
}

ScopedMount::ScopedMount(ScopedMount&& other) noexcept : m_target(std::move(other.m_target)) {
  other.m_target.clear();
}

ScopedMount::~ScopedMount() {
  if (!m_target.empty()) (void)run_process({"umount", m_target.string()});
}

bool is_mount_point(const fs::path& path) { return find_mount(path).has_value(); }

std::string mount_options(const fs::path& path) { return find_mount(path).value_or(""); }

Result<void> mount_overlay_ro(const std::vector<fs::path>& layers, const fs::path& to) {
  std::string lower;
  for (const auto& layer : layers) lower += (lower.empty() ? "" : ":") + layer.string();
  if (auto m = make_dirs(to); !m) return m;
  auto r = run_checked(
      {"mount", "-t", "overlay", "forja-lab-rpm", "-o", "ro,lowerdir=" + lower, to.string()});
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<void> unmount(const fs::path& path) {
  if (!is_mount_point(path)) return {};
  auto r = run_checked({"umount", path.string()});
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace forja::lab
