#include "scale/request.hpp"

#include <algorithm>

namespace forja {

namespace {

std::unexpected<Error> located(const std::string& text, std::size_t column,
                               const std::string& what) {
  return bad_input("command line: scale argument '" + text + "':" + std::to_string(column) + ": " +
                   what + " (expected SERVICE=N, SERVICE+N or SERVICE-N, e.g. web=4, web+1)");
}

}  // namespace

Result<ScaleRequest> parse_scale_request(const std::string& text) {
  auto at = text.rfind('=');
  if (at == std::string::npos) {
    auto plus = text.rfind('+');
    auto minus = text.rfind('-');
    if (plus != std::string::npos && (minus == std::string::npos || plus > minus))
      at = plus;
    else
      at = minus;
  }
  if (at == std::string::npos) return located(text, text.size() + 1, "no '=', '+' or '-'");
  ScaleRequest r;
  r.service = text.substr(0, at);
  r.op = text[at] == '='   ? ScaleRequest::Op::set
         : text[at] == '+' ? ScaleRequest::Op::add
                           : ScaleRequest::Op::remove;
  if (r.service.empty()) return located(text, 1, "no service name");
  for (std::size_t i = 0; i < r.service.size(); ++i) {
    char c = r.service[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return located(text, i + 1, std::string("'") + c + "' in a service name");
  }
  auto number = text.substr(at + 1);
  if (number.empty())
    return located(text, at + 2, "no number after '" + std::string(1, text[at]) + "'");
  for (std::size_t i = 0; i < number.size(); ++i) {
    if (number[i] < '0' || number[i] > '9') {
      return located(text, at + 2 + i, "'" + std::string(1, number[i]) + "' is not a digit");
    }
  }
  if (number.size() > 4 || std::stoi(number) > k_max_replicas) {
    return located(text, at + 2, "more than " + std::to_string(k_max_replicas) + " replicas");
  }
  r.count = std::stoi(number);
  if (r.op != ScaleRequest::Op::set && r.count == 0) {
    return located(text, at + 2, "adding or removing 0 replicas changes nothing");
  }
  return r;
}

Result<int> ScaleRequest::desired(int current) const {
  int n = op == Op::set ? count : op == Op::add ? current + count : current - count;
  if (n < 0) {
    return bad_input("command line: " + service + " has " + std::to_string(current) +
                     " replica(s): cannot remove " + std::to_string(count));
  }
  if (n > k_max_replicas) {
    return bad_input("command line: " + service + ": more than " + std::to_string(k_max_replicas) +
                     " replicas");
  }
  return n;
}

}  // namespace forja
