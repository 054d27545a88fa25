#include "lab/render.hpp"

#include "util/text.hpp"

namespace forja::lab {

std::string render_inventory(const std::vector<PlannedHost>& hosts, const LabPaths& paths,
                             std::string_view user, std::string_view become_password_env) {
  std::string text = "# written by `forja lab up`\n";
  text += "defaults:\n";
  text += "  user: " + std::string(user) + "\n";
  text += "  key: " + paths.key().string() + "\n";
  text += "  known_hosts: " + paths.known_hosts().string() + "\n";
  text += "  become: true\n";
  if (!become_password_env.empty()) {
    text += "  become_password_env: " + std::string(become_password_env) + "\n";
  }
  text += "hosts:\n";
  std::string names, rpm_names;
  for (const auto& h : hosts) {
    text += "  " + h.name + ":\n    address: " + h.address + "\n";
    names += (names.empty() ? "" : ", ") + h.name;
    if (h.kind == HostKind::rpm) rpm_names += (rpm_names.empty() ? "" : ", ") + h.name;
  }
  text += "groups:\n  lab:\n    hosts: [" + names + "]\n";
  if (!rpm_names.empty()) text += "  rpm:\n    hosts: [" + rpm_names + "]\n";
  return text;
}

std::string render_known_hosts(const std::vector<HostKey>& keys) {
  std::string text;
  for (const auto& k : keys) {
    auto fields = split(trim(k.public_key), ' ');
    if (fields.size() < 2) continue;
    text += k.host.name + "," + k.host.address + " " + fields[0] + " " + fields[1] + "\n";
  }
  return text;
}

std::string render_etc_hosts() {
  std::string text =
      "# written by forja lab prepare\n"
      "127.0.0.1\tlocalhost\n"
      "::1\tlocalhost ip6-localhost ip6-loopback\n"
      "ff02::1\tip6-allnodes\n"
      "ff02::2\tip6-allrouters\n";
  text += std::string(k_bridge_address) + "\tforja-controller\n";
  for (int i = 1; i <= k_max_hosts; ++i) {
    auto h = planned_host(i);
    text += h.address + "\t" + h.name + "\n";
  }
  return text;
}

std::string render_sshd_config() {
  std::string dir(k_host_ssh_dir);
  return "# written by forja lab prepare: host key and lab key come from " + dir +
         ",\n# bind-mounted per host (the root file system is a volatile overlay).\n"
         "HostKey " +
         dir +
         "/ssh_host_ed25519_key\n"
         "AuthorizedKeysFile .ssh/authorized_keys " +
         dir +
         "/authorized_keys\n"
         "PubkeyAuthentication yes\n"
         "PermitRootLogin prohibit-password\n"
         "PasswordAuthentication no\n"
         "KbdInteractiveAuthentication no\n"
         "UseDNS no\n";
}

}  // namespace forja::lab
