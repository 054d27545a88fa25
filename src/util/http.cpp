#include "util/http.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>

namespace forja {

namespace {

struct Url {
  std::string host, port = "80", path = "/";
};

Result<Url> parse_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme) return bad_input("only http:// URLs are supported: " + std::string(url));
  url.remove_prefix(scheme.size());
  Url u;
  auto slash = url.find('/');
  auto hostport = url.substr(0, slash);
  if (slash != std::string_view::npos) u.path = std::string(url.substr(slash));
  auto colon = hostport.rfind(':');
  if (colon != std::string_view::npos) {
    u.host = std::string(hostport.substr(0, colon));
    u.port = std::string(hostport.substr(colon + 1));
  } else {
    u.host = std::string(hostport);
  }
  if (u.host.empty()) return bad_input("no host in URL " + std::string(url));
  return u;
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<HttpResponse> http_request(std::string_view method, std::string_view url,
                                  std::string_view body, std::chrono::milliseconds timeout) {
  auto u = parse_url(url);
  if (!u) return std::unexpected(u.error());
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto left_ms = [&] {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<long>(0, left.count()));
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(u->host.c_str(), u->port.c_str(), &hints, &res); rc != 0) {
    return fail("cannot resolve " + u->host + ": " + ::gai_strerror(rc));
  }
  Fd sock;
  sock.fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int rc = ::connect(sock.fd, res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  std::string where = u->host + ":" + u->port;
  if (rc != 0 && errno != EINPROGRESS) return fail("connection to " + where + " failed: " + std::strerror(errno));
  pollfd p{sock.fd, POLLOUT, 0};
  if (::poll(&p, 1, left_ms()) <= 0) return fail("connection to " + where + " timed out");
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(sock.fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return fail("connection to " + where + " failed: " + std::strerror(err));
  std::string request = std::string(method) + " " + u->path + " HTTP/1.0\r\nHost: " + where +
                        "\r\nUser-Agent: forja\r\nConnection: close\r\n";
  if (!body.empty()) {
    request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n";
  request += body;
  std::size_t sent = 0;
  while (sent < request.size()) {
    pollfd w{sock.fd, POLLOUT, 0};
    if (::poll(&w, 1, left_ms()) <= 0) return fail("sending to " + where + " timed out");
    ssize_t n = ::send(sock.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN) return fail("sending to " + where + " failed: " + std::strerror(errno));
    if (n > 0) sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buf[16384];
  while (true) {
    pollfd r{sock.fd, POLLIN, 0};
    int ready = ::poll(&r, 1, left_ms());
    if (ready <= 0) return fail("no answer from " + where + " in time");
    ssize_t n = ::recv(sock.fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EAGAIN) continue;
    if (n < 0) return fail("reading from " + where + " failed: " + std::strerror(errno));
    if (n == 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
  }
  HttpResponse response;
  auto sp = raw.find(' ');
  if (raw.rfind("HTTP/", 0) != 0 || sp == std::string::npos) return fail("not an HTTP answer from " + where);
  response.status = std::atoi(raw.c_str() + sp + 1);
  auto head_end = raw.find("\r\n\r\n");
  if (head_end != std::string::npos) response.body = raw.substr(head_end + 4);
  return response;
}

std::string base64_encode(std::string_view data) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
  }
  if (i + 1 == data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == data.size()) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

std::string base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace forja
