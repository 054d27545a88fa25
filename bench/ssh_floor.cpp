// The floor for `forja run`: a bare libssh client that opens one session per host (host key
// checked, key authentication), runs one command, reads its output, and nothing else: no
// inventory, no framing, no report. bench/run times it beside `forja run` on the same hosts.
//   forja-ssh-floor KEY KNOWN_HOSTS USER WORKERS COMMAND ADDRESS...
#include <libssh/libssh.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace {

bool run_one(const char* key_path, const char* known_hosts, const char* user, const char* command,
             const std::string& address) {
  ssh_session s = ssh_new();
  if (!s) return false;
  int nodelay = 1;
  ssh_options_set(s, SSH_OPTIONS_HOST, address.c_str());
  ssh_options_set(s, SSH_OPTIONS_USER, user);
  ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known_hosts);
  ssh_options_set(s, SSH_OPTIONS_NODELAY, &nodelay);
  bool ok = false;
  ssh_key key = nullptr;
  if (ssh_connect(s) == SSH_OK && ssh_session_is_known_server(s) == SSH_KNOWN_HOSTS_OK &&
      ssh_pki_import_privkey_file(key_path, nullptr, nullptr, nullptr, &key) == SSH_OK &&
      ssh_userauth_publickey(s, nullptr, key) == SSH_AUTH_SUCCESS) {
    ssh_channel c = ssh_channel_new(s);
    if (c && ssh_channel_open_session(c) == SSH_OK && ssh_channel_request_exec(c, command) == SSH_OK) {
      char buf[4096];
      while (ssh_channel_read(c, buf, sizeof buf, 0) > 0) {
      }
      ssh_channel_send_eof(c);
      ok = ssh_channel_get_exit_status(c) == 0;
    }
    if (c) {
      ssh_channel_close(c);
      ssh_channel_free(c);
    }
  }
  ssh_key_free(key);
  ssh_disconnect(s);
  ssh_free(s);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: %s KEY KNOWN_HOSTS USER WORKERS COMMAND ADDRESS...\n", argv[0]);
    return 2;
  }
  ssh_init();
  std::vector<std::string> addresses(argv + 6, argv + argc);
  std::atomic<std::size_t> next{0};
  std::atomic<int> failed{0};
  auto work = [&] {
    for (std::size_t i = next++; i < addresses.size(); i = next++)
      if (!run_one(argv[1], argv[2], argv[3], argv[5], addresses[i])) ++failed;
  };
  std::vector<std::thread> threads;
  const std::size_t workers = std::stoul(argv[4]);
  for (std::size_t t = 0; t < std::min(workers, addresses.size()); ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  if (failed) std::fprintf(stderr, "%d host(s) failed\n", failed.load());
  return failed ? 1 : 0;
}
