#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "inventory/model.hpp"
#include "transport/ssh_transport.hpp"
#include "util/error.hpp"

namespace forja {

// Options shared by every command that connects to hosts.
struct ConnectOptions {
  std::string inventory;
  std::size_t forks = 50;
  bool accept_new_host_keys = false;
};

// -i/--inventory (default $FORJA_INVENTORY), --forks, --accept-new-host-keys.
void add_connect_options(CLI::App& sub, ConnectOptions& options);

// Load the inventory named by the options, with a teaching error when none was given.
[[nodiscard]] Result<Inventory> load_inventory_option(const ConnectOptions& options);

// The transport for a host: SSH (host keys verified), or local for `address: local`.
[[nodiscard]] std::unique_ptr<Transport> make_transport(const Host& host,
                                                        const ConnectOptions& options);

// Print "forja: error: MESSAGE" and return its exit code.
int report_error(const Error& error);

// SIGINT: the first sets engine's g_interrupted (finish the command in flight, then stop),
// the second ends the process.
void install_interrupt_handler();

}  // namespace forja
