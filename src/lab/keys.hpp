#pragma once

#include <string>

#include "lab/config.hpp"
#include "lab/plan.hpp"
#include "util/error.hpp"

namespace forja::lab {

// STATE/id_ed25519(.pub): the lab's own key pair, generated once; returns the public key.
[[nodiscard]] Result<std::string> ensure_lab_key(const LabPaths& paths);

// The host's SSH directory (bind-mounted into it): its own ed25519 host key, generated on
// the machine only when missing, and authorized_keys holding `lab_public_key`.
// Returns the host's public key.
[[nodiscard]] Result<std::string> ensure_host_keys(const LabPaths& paths, const PlannedHost& host,
                                                   const std::string& lab_public_key);

}  // namespace forja::lab
