#include "canned_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace forja::test {

CannedHttp::CannedHttp() {
  m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (m_listener < 0 || ::bind(m_listener, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(m_listener, 16) != 0 ||
      ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("canned HTTP server: cannot listen on 127.0.0.1");
  }
  m_port = ntohs(addr.sin_port);
  m_thread = std::thread([this] { loop(); });
}

CannedHttp::~CannedHttp() {
  m_stop = true;
  m_thread.join();
  ::close(m_listener);
}

void CannedHttp::serve(const std::string& path, std::string body, int status) {
  std::lock_guard lock(m_mutex);
  m_answers[path] = {status, std::move(body)};
}

std::string CannedHttp::url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

void CannedHttp::loop() {
  while (!m_stop) {
    pollfd p{m_listener, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    answer(fd);
    ::close(fd);
  }
}

void CannedHttp::answer(int fd) {
  std::string request;
  char buffer[4096];
  while (request.find("\r\n\r\n") == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return;
    auto n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return;
    request.append(buffer, static_cast<std::size_t>(n));
  }
  auto first_space = request.find(' ');
  auto path = request.substr(first_space + 1, request.find(' ', first_space + 1) - first_space - 1);
  path = path.substr(0, path.find('?'));
  std::pair<int, std::string> reply{404, "not found\n"};
  {
    std::lock_guard lock(m_mutex);
    if (auto it = m_answers.find(path); it != m_answers.end()) reply = it->second;
  }
  auto text = "HTTP/1.0 " + std::to_string(reply.first) +
              " X\r\nContent-Type: application/json\r\nContent-Length: " +
              std::to_string(reply.second.size()) + "\r\n\r\n" + reply.second;
  for (std::size_t sent = 0; sent < text.size();) {
    auto n = ::write(fd, text.data() + sent, text.size() - sent);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace forja::test
