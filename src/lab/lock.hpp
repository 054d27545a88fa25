#pragma once

#include <filesystem>

#include "util/error.hpp"

namespace forja::lab {

// An exclusive flock on the lab's lock file, held for the object's lifetime, so two
// `forja lab` commands never change the lab at the same time.
class LabLock {
 public:
  [[nodiscard]] static Result<LabLock> acquire(const std::filesystem::path& file);
  LabLock(LabLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  LabLock(const LabLock&) = delete;
  LabLock& operator=(const LabLock&) = delete;
  LabLock& operator=(LabLock&&) = delete;
  ~LabLock();

 private:
  explicit LabLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

}  // namespace forja::lab
