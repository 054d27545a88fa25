#include "scale/balancer.hpp"

#include <map>
#include <thread>
#include <vector>

#include "util/http.hpp"
#include "util/text.hpp"

namespace forja {

namespace {
constexpr auto k_request_timeout = std::chrono::seconds(5);
constexpr auto k_pause = std::chrono::milliseconds(50);
}  // namespace

std::string answering_instance(const std::string& body) {
  auto at = body.find(" am ");
  if (at == std::string::npos) return "";
  auto start = at + 4;
  auto end = body.find_first_of(" \n", start);
  return body.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

Result<void> wait_served_by(const std::string& url, const std::string& instance,
                            ScaleClock::time_point deadline) {
  std::map<std::string, int> seen;
  std::string last_error;
  while (ScaleClock::now() < deadline) {
    auto r = http_request("GET", url, "", k_request_timeout);
    if (r && r->status == 200) {
      auto who = answering_instance(r->body);
      if (who == instance) return {};
      ++seen[who];
    } else {
      last_error = r ? "HTTP " + std::to_string(r->status) : r.error().message;
    }
    std::this_thread::sleep_for(k_pause);
  }
  std::vector<std::string> others;
  for (const auto& [who, n] : seen) others.push_back(who + " (" + std::to_string(n) + ")");
  return fail("the balancer " + url + " never answered from " + instance +
              "; answers from: " + (others.empty() ? "none" : join(others)) +
              (last_error.empty() ? "" : "; last error: " + last_error));
}

Result<void> wait_not_served_by(const std::string& url, const std::set<std::string>& gone,
                                int quiet, ScaleClock::time_point deadline) {
  int in_a_row = 0;
  std::string last;
  while (ScaleClock::now() < deadline) {
    auto r = http_request("GET", url, "", k_request_timeout);
    if (r && r->status == 200) {
      auto who = answering_instance(r->body);
      if (gone.contains(who)) {
        in_a_row = 0;
        last = who;
      } else if (++in_a_row >= quiet) {
        return {};
      }
    }
    std::this_thread::sleep_for(k_pause);
  }
  return fail("the balancer " + url + " still sends requests to " + last);
}

Result<void> wait_discovery(Discovery& discovery, const std::string& service,
                            const std::set<std::string>& present,
                            const std::set<std::string>& absent, ScaleClock::time_point deadline) {
  std::string why = "not asked";
  while (true) {
    auto list = discovery.instances(service);
    if (list) {
      std::set<std::string> passing, listed;
      for (const auto& i : *list) {
        listed.insert(i.instance);
        if (i.health == Health::passing) passing.insert(i.instance);
      }
      std::vector<std::string> wrong;
      for (const auto& p : present)
        if (!passing.contains(p)) wrong.push_back(p + " not passing");
      for (const auto& a : absent)
        if (listed.contains(a)) wrong.push_back(a + " still registered");
      if (wrong.empty()) return {};
      why = join(wrong);
    } else {
      why = list.error().message;
    }
    if (ScaleClock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return fail(discovery.backend() + ": " + why);
}

}  // namespace forja
