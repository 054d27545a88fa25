#include <libssh/libssh.h>
#include <yaml-cpp/yaml.h>

#include "cli/command.hpp"
#include "report/reporter.hpp"

namespace forja {

CommandSpec version_command() {
  return {"version", "Print forja's version and the libraries it was built with", [](CLI::App&) {
            return CommandRunner([] {
              reporter().line(std::string("forja ") + FORJA_VERSION + " (libssh " +
                              ssh_version(0) + ")");
              return 0;
            });
          }};
}

}  // namespace forja
