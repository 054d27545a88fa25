#include "util/input_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace forja {

Result<std::string> read_input_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad_input(path + ": cannot read " + what + ": " + std::strerror(errno));
  std::string text;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > k_max_input_file_bytes) {
      return bad_input(path + ": the " + what + " is larger than " +
                       std::to_string(k_max_input_file_bytes / (1024 * 1024)) + " MiB");
    }
  }
  if (in.bad()) return bad_input(path + ": cannot read " + what + ": " + std::strerror(errno));
  return text;
}

}  // namespace forja
