#include "engine/notify_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "util/hash.hpp"
#include "util/text.hpp"

namespace forja {

namespace fs = std::filesystem;

NotifyStore::NotifyStore(std::string dir, std::string host)
    : m_path((fs::path(dir) / (host + ".owed-handlers")).string()) {}

std::set<std::string> NotifyStore::owed() const {
  std::set<std::string> ids;
  std::ifstream in(m_path);
  std::string line;
  while (std::getline(in, line))
    if (!trim(line).empty()) ids.insert(trim(line));
  return ids;
}

Result<void> NotifyStore::add(const std::string& handler_id) {
  auto ids = owed();
  if (!ids.insert(handler_id).second) return {};
  return write(ids);
}

Result<void> NotifyStore::clear(const std::string& handler_id) {
  auto ids = owed();
  if (!ids.erase(handler_id)) return {};
  return write(ids);
}

Result<void> NotifyStore::write(const std::set<std::string>& ids) const {
  std::error_code ec;
  fs::create_directories(fs::path(m_path).parent_path(), ec);
  if (ids.empty()) {
    fs::remove(m_path, ec);
    return {};
  }
  std::string tmp = m_path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& id : ids) out << id << '\n';
    if (!out) return fail("cannot write " + tmp);
  }
  // fsync before rename so a crash cannot leave an empty file in place of the list.
  int fd = ::open(tmp.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  fs::rename(tmp, m_path, ec);
  if (ec) return fail("cannot write " + m_path + ": " + ec.message());
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
