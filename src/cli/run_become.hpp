#pragma once

// Whether `forja run` goes through sudo on a host: as Ansible's ad-hoc commands do, the
// inventory's become decides (`become: true`, `ansible_become=yes`), unless the command line
// says so for every host.

#include "inventory/model.hpp"

namespace forja {

// Who decides: the inventory (no flag), `--become` (sudo everywhere), `--no-become` (nowhere).
enum class BecomeChoice { inventory, always, never };

// The connection `forja run` uses for a host: its own, with become forced on or off by the
// command line. become_user and become_password_env stay the inventory's.
[[nodiscard]] Connection run_connection(Connection connection, BecomeChoice choice);

}  // namespace forja
