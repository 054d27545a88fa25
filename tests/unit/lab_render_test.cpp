#include <catch2/catch.hpp>

#include "lab/render.hpp"

using namespace forja::lab;

TEST_CASE("lab inventory uses the documented schema", "[lab][render]") {
  LabPaths paths{"/var/cache/forja-lab", "/var/lib/forja-lab"};
  auto text = render_inventory({planned_host(1), planned_host(2)}, paths, "vagrant");
  CHECK(text ==
        "# written by `forja lab up`\n"
        "defaults:\n"
        "  user: vagrant\n"
        "  key: /var/lib/forja-lab/id_ed25519\n"
        "  known_hosts: /var/lib/forja-lab/known_hosts\n"
        "  become: true\n"
        "hosts:\n"
        "  lab1:\n"
        "    address: 10.77.0.11\n"
        "  lab2:\n"
        "    address: 10.77.0.12\n"
        "groups:\n"
        "  lab:\n"
        "    hosts: [lab1, lab2]\n");
}

TEST_CASE("lab deploy inventory names the sudo password by env var only", "[lab][render]") {
  LabPaths paths{"/c", "/s"};
  auto text = render_inventory({planned_host(1)}, paths, "deploy", "FORJA_LAB_SUDO_PASSWORD");
  CHECK(text.find("  user: deploy\n") != std::string::npos);
  CHECK(text.find("  become_password_env: FORJA_LAB_SUDO_PASSWORD\n") != std::string::npos);
  CHECK(text.find(std::string(k_deploy_password)) == std::string::npos);
}

TEST_CASE("known_hosts lists name and address with the key, comment dropped", "[lab][render]") {
  auto text = render_known_hosts({{planned_host(1), "ssh-ed25519 AAAAC3Nza root@lab1\n"},
                                  {planned_host(2), "ssh-ed25519 BBBB\n"},
                                  {planned_host(3), "garbage"}});
  CHECK(text ==
        "lab1,10.77.0.11 ssh-ed25519 AAAAC3Nza\n"
        "lab2,10.77.0.12 ssh-ed25519 BBBB\n");
}

TEST_CASE("every lab host name resolves through /etc/hosts", "[lab][render]") {
  auto text = render_etc_hosts();
  CHECK(text.find("127.0.0.1\tlocalhost\n") != std::string::npos);
  CHECK(text.find("10.77.0.11\tlab1\n") != std::string::npos);
  CHECK(text.find("10.77.0.42\tlab32\n") != std::string::npos);
  CHECK(text.find("10.77.0.1\tforja-controller\n") != std::string::npos);
}

TEST_CASE("sshd drop-in takes host key and lab key from the mounted dir", "[lab][render]") {
  auto text = render_sshd_config();
  CHECK(text.find("HostKey /etc/ssh/forja-lab/ssh_host_ed25519_key\n") != std::string::npos);
  CHECK(text.find("AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/forja-lab/authorized_keys\n") !=
        std::string::npos);
  CHECK(text.find("PasswordAuthentication no\n") != std::string::npos);
}
