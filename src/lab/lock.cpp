#include "lab/lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lab/files.hpp"

namespace forja::lab {

Result<LabLock> LabLock::acquire(const std::filesystem::path& file) {
  if (auto m = make_dirs(file.parent_path()); !m) return std::unexpected(m.error());
  // O_CLOEXEC matters: a host's nspawn must not inherit (and hold) the lock.
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fail("cannot open " + file.string() + ": " + std::strerror(errno));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    auto err = std::string(std::strerror(errno));
    ::close(fd);
    return fail("cannot lock " + file.string() + ": " + err);
  }
  return LabLock(fd);
}

LabLock::~LabLock() {
  if (m_fd >= 0) ::close(m_fd);
}

}  // namespace forja::lab
