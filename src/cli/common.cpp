#include "cli/common.hpp"

#include <csignal>
#include <unistd.h>

#include "engine/runner.hpp"
#include "inventory/load.hpp"
#include "report/reporter.hpp"
#include "transport/local_transport.hpp"

namespace forja {

void add_connect_options(CLI::App& sub, ConnectOptions& o) {
  sub.add_option("-i,--inventory", o.inventory,
                 "Inventory file: YAML (.yml) or Ansible INI (.ini); default $FORJA_INVENTORY")
      ->envname("FORJA_INVENTORY");
  sub.add_option("-f,--forks", o.forks, "Hosts worked on at once")->capture_default_str();
  sub.add_flag("--accept-new-host-keys", o.accept_new_host_keys,
               "Record host keys seen for the first time in known_hosts (a CHANGED key is "
               "always refused)");
}

Result<Inventory> load_inventory_option(const ConnectOptions& o) {
  if (o.inventory.empty()) {
    return bad_input(
        "no inventory given: pass -i FILE (e.g. -i inventories/lab.yml) or set FORJA_INVENTORY");
  }
  auto inv = load_inventory(o.inventory);
  if (inv)
    for (const auto& w : inv->warnings) reporter().error_line("forja: " + w);
  return inv;
}

std::unique_ptr<Transport> make_transport(const Host& host, const ConnectOptions& o) {
  if (host.connection.address == "local") return std::make_unique<LocalTransport>(host.connection);
  return std::make_unique<SshTransport>(
      host.name, host.connection,
      o.accept_new_host_keys ? HostKeyPolicy::accept_new : HostKeyPolicy::strict);
}

int report_error(const Error& error) {
  reporter().error_line("forja: error: " + error.message);
  return static_cast<int>(error.code);
}

namespace {
void on_sigint(int) {
  if (g_interrupted.exchange(true)) {
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
    return;
  }
  const char msg[] = "\nforja: interrupted: finishing the commands in flight, then stopping "
                     "(Ctrl-C again to abort now)\n";
  auto ignored = ::write(2, msg, sizeof msg - 1);
  (void)ignored;
}
}  // namespace

void install_interrupt_handler() { std::signal(SIGINT, on_sigint); }

}  // namespace forja
