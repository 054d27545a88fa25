#include "transport/ssh_transport.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "util/shell.hpp"

namespace forja {

namespace {

void init_libssh_once() {
  static std::once_flag once;
  std::call_once(once, [] { ssh_init(); });
}

std::string expand_home(const std::string& path) {
  if (path.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "") + path.substr(1);
  }
  return path;
}

std::string fingerprint(ssh_session session) {
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(session, &key) != SSH_OK) return "?";
  unsigned char* hash = nullptr;
  size_t length = 0;
  std::string out = "?";
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == 0) {
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    if (text) {
      out = std::string(ssh_key_type_to_char(ssh_key_type(key))) + " " + text;
      ssh_string_free_char(text);
    }
    ssh_clean_pubkey_hash(&hash);
  }
  ssh_key_free(key);
  return out;
}

void enable_tcp_keepalive(ssh_session session) {
  int fd = ssh_get_fd(session);
  if (fd < 0) return;
  int on = 1, idle = 30, interval = 10, count = 3;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

}  // namespace

SshTransport::SshTransport(std::string host_name, Connection connection, HostKeyPolicy policy)
    : Transport(std::move(connection)), m_name(std::move(host_name)), m_policy(policy) {}

SshTransport::~SshTransport() { disconnect(); }

void SshTransport::disconnect() {
  if (m_session) {
    if (m_connected) ssh_disconnect(m_session);
    ssh_free(m_session);
    m_session = nullptr;
  }
  m_connected = false;
}

std::string SshTransport::where() const {
  return m_connection.address + ":" + std::to_string(m_connection.port);
}

Result<void> SshTransport::connect() {
  if (m_connected) return {};
  init_libssh_once();
  disconnect();
  m_session = ssh_new();
  if (!m_session) return fail("cannot allocate an SSH session");
  const auto& c = m_connection;
  ssh_options_set(m_session, SSH_OPTIONS_HOST, c.address.c_str());
  // ~/.ssh/config first, so that what the inventory says explicitly wins. $HOME decides
  // which file (libssh alone would use the passwd entry's home).
  std::string user_config = expand_home("~/.ssh/config");
  ssh_options_parse_config(m_session, std::filesystem::exists(user_config) ? user_config.c_str() : nullptr);
  unsigned int port = static_cast<unsigned int>(c.port);
  ssh_options_set(m_session, SSH_OPTIONS_PORT, &port);
  if (!c.user.empty()) ssh_options_set(m_session, SSH_OPTIONS_USER, c.user.c_str());
  long timeout = c.connect_timeout;
  ssh_options_set(m_session, SSH_OPTIONS_TIMEOUT, &timeout);
  // Small SSH packets go out at once: with Nagle, a channel request waits for the peer's
  // delayed ACK (~40 ms a round trip).
  int nodelay = 1;
  ssh_options_set(m_session, SSH_OPTIONS_NODELAY, &nodelay);
  std::string known_hosts = expand_home(c.known_hosts.empty() ? "~/.ssh/known_hosts" : c.known_hosts);
  ssh_options_set(m_session, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
  ssh_options_set(m_session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/etc/ssh/ssh_known_hosts");
  if (ssh_connect(m_session) != SSH_OK) {
    std::string why = ssh_get_error(m_session);
    disconnect();
    return fail("cannot connect to " + where() + ": " + why, ExitCode::unreachable);
  }
  m_connected = true;
  enable_tcp_keepalive(m_session);
  if (auto r = verify_host_key(); !r) {
    disconnect();
    return r;
  }
  if (auto r = authenticate(); !r) {
    disconnect();
    return r;
  }
  return {};
}

Result<void> SshTransport::verify_host_key() {
  std::string known_hosts = expand_home(m_connection.known_hosts.empty() ? "~/.ssh/known_hosts"
                                                                        : m_connection.known_hosts);
  auto state = ssh_session_is_known_server(m_session);
  auto fp = fingerprint(m_session);
  switch (state) {
    case SSH_KNOWN_HOSTS_OK:
      return {};
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      return fail("HOST KEY CHANGED for " + where() + ": it now presents " + fp +
                      ", which does not match the key recorded in " + known_hosts +
                      ". This can mean an attack; refusing to connect. If the host was really "
                      "reinstalled, remove its old line from " + known_hosts + " and connect again.",
                  ExitCode::unreachable);
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      if (m_policy == HostKeyPolicy::accept_new) {
        std::error_code ec;
        auto dir = std::filesystem::path(known_hosts).parent_path();
        if (!dir.empty()) std::filesystem::create_directories(dir, ec);
        if (ssh_session_update_known_hosts(m_session) != SSH_OK) {
          return fail("cannot record the host key of " + where() + " in " + known_hosts + ": " +
                          ssh_get_error(m_session),
                      ExitCode::unreachable);
        }
        return {};
      }
      return fail("host key of " + where() + " is not known (" + fp + " not in " + known_hosts +
                      "); check the fingerprint, then rerun with --accept-new-host-keys to record it",
                  ExitCode::unreachable);
    case SSH_KNOWN_HOSTS_ERROR:
    default:
      return fail("cannot check the host key of " + where() + ": " + ssh_get_error(m_session),
                  ExitCode::unreachable);
  }
}

Result<void> SshTransport::authenticate() {
  const auto& c = m_connection;
  std::vector<std::string> tried;
  char* user_c = nullptr;
  ssh_options_get(m_session, SSH_OPTIONS_USER, &user_c);
  std::string user = user_c ? user_c : "?";
  if (user_c) ssh_string_free_char(user_c);
  if (!c.key_file.empty()) {
    auto path = expand_home(c.key_file);
    ssh_key key = nullptr;
    if (ssh_pki_import_privkey_file(path.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
      return fail("cannot read private key " + path + " (missing, unreadable or passphrase-protected; "
                  "use ssh-agent for keys with a passphrase)", ExitCode::unreachable);
    }
    int rc = ssh_userauth_publickey(m_session, nullptr, key);
    ssh_key_free(key);
    if (rc == SSH_AUTH_SUCCESS) return {};
    tried.push_back("key " + path);
  } else {
    if (ssh_userauth_publickey_auto(m_session, nullptr, nullptr) == SSH_AUTH_SUCCESS) return {};
    tried.push_back("ssh-agent and default keys");
  }
  if (!c.password_env.empty()) {
    const char* password = std::getenv(c.password_env.c_str());
    if (!password) {
      tried.push_back("password ($" + c.password_env + " is not set)");
    } else {
      if (ssh_userauth_password(m_session, nullptr, password) == SSH_AUTH_SUCCESS) return {};
      tried.push_back("password from $" + c.password_env);
    }
  }
  std::string list;
  for (const auto& t : tried) list += (list.empty() ? "" : ", ") + t;
  return fail("authentication failed for " + user + "@" + where() + " (tried: " + list + ")",
              ExitCode::unreachable);
}

namespace {

// An exec channel on the host's session. Waits for output with the session's event loop, so
// output on either stream (and the end) is seen as soon as it arrives.
class SshChannel final : public Channel {
 public:
  SshChannel(ssh_session session, ssh_channel channel, std::string where)
      : m_session(session), m_channel(channel), m_where(std::move(where)),
        m_event(ssh_event_new()) {
    if (m_event) ssh_event_add_session(m_event, m_session);
  }
  ~SshChannel() override {
    if (m_event) {
      ssh_event_remove_session(m_event, m_session);
      ssh_event_free(m_event);
    }
    release();
  }
  SshChannel(const SshChannel&) = delete;
  SshChannel& operator=(const SshChannel&) = delete;

  Result<void> write(std::string_view data) override {
    std::size_t written = 0;
    while (written < data.size()) {
      auto chunk = static_cast<uint32_t>(std::min<std::size_t>(data.size() - written, 32768));
      int n = ssh_channel_write(m_channel, data.data() + written, chunk);
      if (n == SSH_ERROR) return lost("write");
      written += static_cast<std::size_t>(n);
    }
    return {};
  }

  Result<void> close_input() override {
    if (ssh_channel_send_eof(m_channel) == SSH_ERROR) return lost("eof");
    return {};
  }

  Result<bool> read(std::string& out, std::string& err, std::chrono::milliseconds wait) override {
    auto drained = drain(out, err);
    if (!drained) return std::unexpected(drained.error());
    if (!*drained && !ended()) {
      if (m_event && ssh_event_dopoll(m_event, static_cast<int>(wait.count())) == SSH_ERROR &&
          !ended()) {
        return lost("wait");
      }
      drained = drain(out, err);
      if (!drained) return std::unexpected(drained.error());
    }
    return ended() && ssh_channel_poll(m_channel, 0) <= 0 && ssh_channel_poll(m_channel, 1) <= 0;
  }

  int exit_status() override { return ssh_channel_get_exit_status(m_channel); }

  void abandon() override { release(); }

 private:
  bool ended() const {
    return !m_channel || ssh_channel_is_eof(m_channel) || !ssh_channel_is_open(m_channel);
  }

  // Append what is buffered on both streams; true when something arrived.
  Result<bool> drain(std::string& out, std::string& err) {
    if (!m_channel) return fail("connection to " + m_where + ": channel abandoned", ExitCode::unreachable);
    bool got = false;
    char buf[32768];
    for (int is_stderr = 0; is_stderr <= 1; ++is_stderr) {
      int n;
      while ((n = ssh_channel_read_nonblocking(m_channel, buf, sizeof buf, is_stderr)) > 0) {
        (is_stderr ? err : out).append(buf, static_cast<std::size_t>(n));
        got = true;
      }
      if (n == SSH_ERROR) return lost("read");
    }
    return got;
  }

  std::unexpected<Error> lost(const std::string& what) const {
    return fail("connection to " + m_where + " lost (" + what + "): " + ssh_get_error(m_session),
                ExitCode::unreachable);
  }

  void release() {
    if (!m_channel) return;
    ssh_channel_close(m_channel);
    ssh_channel_free(m_channel);
    m_channel = nullptr;
  }

  ssh_session m_session;
  ssh_channel m_channel;
  std::string m_where;
  ssh_event m_event;
};

}  // namespace

Result<std::unique_ptr<Channel>> SshTransport::open(const std::vector<std::string>& argv) {
  if (!m_connected) {
    if (auto r = connect(); !r) return std::unexpected(r.error());
  }
  auto lost = [&](const std::string& what) {
    std::string why = ssh_get_error(m_session);
    m_connected = false;
    return fail("connection to " + where() + " lost (" + what + "): " + why, ExitCode::unreachable);
  };
  ssh_channel channel = ssh_channel_new(m_session);
  if (!channel) return lost("new channel");
  if (ssh_channel_open_session(channel) != SSH_OK) {
    ssh_channel_free(channel);
    return lost("open channel");
  }
  std::string command = shell_join(argv);
  if (ssh_channel_request_exec(channel, command.c_str()) != SSH_OK) {
    ssh_channel_close(channel);
    ssh_channel_free(channel);
    return lost("exec");
  }
  return std::make_unique<SshChannel>(m_session, channel, where());
}

}  // namespace forja
