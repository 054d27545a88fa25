#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace forja::test {

// An HTTP/1.0 server on 127.0.0.1 (a port the kernel picks) answering GET and PUT with canned
// bodies by path ("/v1/agent/members"), 404 for any other path; for probes that talk to an API.
class CannedHttp {
 public:
  CannedHttp();
  ~CannedHttp();
  CannedHttp(const CannedHttp&) = delete;
  CannedHttp& operator=(const CannedHttp&) = delete;

  // Answer `path` (without the query) with `body`.
  void serve(const std::string& path, std::string body, int status = 200);
  // "http://127.0.0.1:PORT"
  [[nodiscard]] std::string url() const;

 private:
  void loop();
  void answer(int fd);

  int m_listener = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::mutex m_mutex;
  std::map<std::string, std::pair<int, std::string>> m_answers;
  std::thread m_thread;
};

}  // namespace forja::test
