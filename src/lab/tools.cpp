#include "lab/tools.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "util/text.hpp"

namespace forja::lab {

namespace {
bool on_path(std::string_view program) { return !find_program(program).empty(); }
}  // namespace

std::string find_program(std::string_view program) {
  // Only $PATH: the commands are later run through it too.
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  for (const auto& dir : split(path, ':')) {
    if (dir.empty()) continue;
    auto candidate = std::filesystem::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

const std::vector<Tool>& boot_tools() {
  static const std::vector<Tool> tools = {
      {"systemd-nspawn", "systemd-container"},
      {"ip", "iproute2"},
      {"ssh-keygen", "openssh-client"},
  };
  return tools;
}

const std::vector<Tool>& prepare_tools() {
  static const std::vector<Tool> tools = {
      {"debootstrap", "debootstrap"},    {"apt-get", "apt"},      {"dpkg-deb", "dpkg"},
      {"dpkg-scanpackages", "dpkg-dev"}, {"chroot", "coreutils"}, {"mount", "mount"},
  };
  return tools;
}

Result<void> require_root() {
  if (::geteuid() != 0) {
    return fail(
        "the lab needs root (network namespaces, a bridge, systemd-nspawn): run it as root, "
        "e.g. with sudo");
  }
  return {};
}

Result<void> require_tools(const std::vector<Tool>& tools) {
  std::string missing;
  for (const auto& t : tools) {
    if (on_path(t.program)) continue;
    missing +=
        "\n  " + std::string(t.program) + " is missing: apt-get install " + std::string(t.package);
  }
  if (!missing.empty()) return fail("the lab needs programs that are not installed:" + missing);
  return {};
}

}  // namespace forja::lab
