#include "engine/notify_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "util/hash.hpp"
#include "util/text.hpp"

namespace forja {

namespace fs = std::filesystem;

namespace {

std::string key_of(const std::string& handler_id) { return sha256_hex(handler_id); }

}  // namespace

NotifyStore::NotifyStore(std::string dir, std::string host)
    : m_dir(std::move(dir)), m_path((fs::path(m_dir) / (host + ".owed-handlers")).string()) {}

std::set<std::string> NotifyStore::read() const {
  std::set<std::string> keys;
  std::ifstream in(m_path);
  std::string line;
  while (std::getline(in, line))
    if (!trim(line).empty()) keys.insert(trim(line));
  return keys;
}

bool NotifyStore::owes(const std::string& handler_id) const {
  return read().contains(key_of(handler_id));
}

bool NotifyStore::empty() const { return read().empty(); }

Result<void> NotifyStore::add(const std::string& handler_id) {
  auto keys = read();
  if (!keys.insert(key_of(handler_id)).second) return {};
  return write(keys);
}

Result<void> NotifyStore::clear(const std::string& handler_id) {
  auto keys = read();
  if (!keys.erase(key_of(handler_id))) return {};
  return write(keys);
}

Result<void> NotifyStore::write(const std::set<std::string>& keys) const {
  std::error_code ec;
  fs::create_directories(m_dir, ec);
  if (ec) return fail("cannot create " + m_dir + ": " + ec.message());
  // Private: only the user running forja reads what its hosts are owed.
  if (::chmod(m_dir.c_str(), 0700) != 0) {
    return fail("cannot make " + m_dir + " private: " + std::strerror(errno));
  }
  if (keys.empty()) {
    fs::remove(m_path, ec);
    return {};
  }
  std::string tmp = m_path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return fail("cannot write " + tmp + ": " + std::strerror(errno));
  std::string text;
  for (const auto& k : keys) text += k + "\n";
  bool ok = ::fchmod(fd, 0600) == 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  // fsync before rename so a crash cannot leave an empty file in place of the list.
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return fail("cannot write " + tmp + ": " + std::strerror(errno));
  fs::rename(tmp, m_path, ec);
  if (ec) return fail("cannot write " + m_path + ": " + ec.message());
  int dir_fd = ::open(m_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

std::string default_state_dir(const std::string& playbook_path) {
  std::string base;
  if (const char* d = std::getenv("FORJA_STATE_DIR")) {
    base = d;
  } else if (const char* x = std::getenv("XDG_STATE_HOME")) {
    base = std::string(x) + "/forja";
  } else {
    const char* home = std::getenv("HOME");
    base = std::string(home ? home : "/tmp") + "/.local/state/forja";
  }
  std::error_code ec;
  auto abs = fs::absolute(playbook_path, ec);
  if (!ec) abs = fs::weakly_canonical(abs, ec);
  if (ec) abs = playbook_path;
  return base + "/" + fs::path(playbook_path).stem().string() + "-" +
         sha256_hex(abs.string()).substr(0, 12);
}

}  // namespace forja
