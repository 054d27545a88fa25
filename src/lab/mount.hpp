#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace forja::lab {

// Mounts the lab makes on the machine while it builds images, held for an object's lifetime.
class ScopedMount {
 public:
  // `from` bind-mounted read-only at `to`.
  [[nodiscard]] static Result<ScopedMount> bind_ro(const std::filesystem::path& from,
                                                   const std::filesystem::path& to);
  // A writable overlay at `to`: `lower` below, changes written to `upper` (`work` is
  // overlayfs's own scratch directory, on the same file system as `upper`).
  [[nodiscard]] static Result<ScopedMount> overlay(const std::filesystem::path& lower,
                                                   const std::filesystem::path& upper,
                                                   const std::filesystem::path& work,
                                                   const std::filesystem::path& to);
  ScopedMount(ScopedMount&& other) noexcept;
  ScopedMount(const ScopedMount&) = delete;
  ScopedMount& operator=(const ScopedMount&) = delete;
  ScopedMount& operator=(ScopedMount&&) = delete;
  ~ScopedMount();

 private:
  explicit ScopedMount(std::filesystem::path target) : m_target(std::move(target)) {}
  std::filesystem::path m_target;
};

// Whether something is mounted exactly at `path` (from /proc/self/mounts).
[[nodiscard]] bool is_mount_point(const std::filesystem::path& path);

// The options of the mount at `path` ("ro,relatime,lowerdir=..."), or "" when none.
[[nodiscard]] std::string mount_options(const std::filesystem::path& path);

// A read-only overlay of `layers` (uppermost first) at `to`; it stays after forja exits.
[[nodiscard]] Result<void> mount_overlay_ro(const std::vector<std::filesystem::path>& layers,
                                            const std::filesystem::path& to);

// Unmount `path` if something is mounted there.
[[nodiscard]] Result<void> unmount(const std::filesystem::path& path);

}  // namespace forja::lab
