#include "lab/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace forja::lab {

Result<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail("cannot read " + file.string() + ": " + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

Result<void> make_dirs(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail("cannot create " + dir.string() + ": " + ec.message());
  return {};
}

Result<void> write_file_atomic(const std::filesystem::path& file, std::string_view content,
                               std::filesystem::perms mode) {
  if (auto made = make_dirs(file.parent_path()); !made) return made;
  auto tmp = file;
  tmp += ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return fail("cannot write " + tmp.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      auto err = std::string(std::strerror(errno));
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail("cannot write " + tmp.string() + ": " + err);
    }
    done += static_cast<std::size_t>(w);
  }
  ::fchmod(fd, static_cast<mode_t>(mode));
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    auto err = std::string(std::strerror(errno));
    ::unlink(tmp.c_str());
    return fail("cannot rename " + tmp.string() + " to " + file.string() + ": " + err);
  }
  return {};
}

Result<void> remove_tree(const std::filesystem::path& path) {
  // Never delete through a mount point (a bind-mounted repo, a /proc): refuse instead.
  if (auto mounts = read_file("/proc/self/mounts")) {
    auto prefix = path.lexically_normal().string() + "/";
    std::istringstream lines(*mounts);
    std::string device, target;
    std::string rest;
    while (lines >> device >> target && std::getline(lines, rest)) {
      if (target.starts_with(prefix) || target + "/" == prefix) {
        return fail("refusing to remove " + path.string() + ": " + target + " is mounted");
      }
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return fail("cannot remove " + path.string() + ": " + ec.message());
  return {};
}

}  // namespace forja::lab
