#pragma once

#include <string>
#include <vector>

#include "lab/config.hpp"
#include "lab/plan.hpp"

namespace forja::lab {

// Pure renderings of the files the lab writes.

// One host and its public host key ("ssh-ed25519 AAAA... [comment]").
struct HostKey {
  PlannedHost host;
  std::string public_key;
};

// STATE/inventory.yml: the lab hosts for forja, connecting as `user`; every host is in group
// `lab`, the rpm-family ones also in group `rpm`.
// `become_password_env` is written (for a user whose sudo asks a password) unless empty.
[[nodiscard]] std::string render_inventory(const std::vector<PlannedHost>& hosts,
                                           const LabPaths& paths, std::string_view user,
                                           std::string_view become_password_env = {});

// STATE/known_hosts: "NAME,ADDRESS TYPE KEY" per host (the key's comment dropped).
[[nodiscard]] std::string render_known_hosts(const std::vector<HostKey>& keys);

// /etc/hosts of every lab host: localhost, the machine's bridge address, lab1..labMAX.
[[nodiscard]] std::string render_etc_hosts();

// sshd drop-in of every lab host: per-host key and the lab key, from k_host_ssh_dir.
[[nodiscard]] std::string render_sshd_config();

}  // namespace forja::lab
