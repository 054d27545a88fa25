#include "inventory/host_pattern.hpp"

#include <algorithm>
#include <regex>

#include "util/text.hpp"

namespace forja {

namespace {

// Ansible's address patterns (ansible/parsing/utils/addresses.py), written for std::regex.
const std::string k_num_range = R"(\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\])";
const std::string k_hex_range = R"(\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\])";
const std::string k_alnum_range = R"(\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\])";

bool is_ipv4(const std::string& s) {
  static const std::string c = "(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|" + k_num_range + ")";
  static const std::regex re("^(?:" + c + "\\.){3}" + c + "$", std::regex::icase);
  return std::regex_match(s, re);
}

// Like Python's re.match on Ansible's pattern, whose '^' and '$' bind to its first and last
// alternatives only: most forms need only match a prefix.
bool is_ipv6(const std::string& s) {
  static const std::string c = "(?:[0-9a-f]{1,4}|" + k_hex_range + ")";
  static const std::regex re(
      "(?:(?:" + c + ":){7}" + c + "|(?:" + c + ":){1,6}:|(?:" + c + ":)(?::" + c + "){1,6}|(?:" +
          c + ":){2}(?::" + c + "){1,5}|(?:" + c + ":){3}(?::" + c + "){1,4}|(?:" + c +
          ":){4}(?::" + c + "){1,3}|(?:" + c + ":){5}(?::" + c + "){1,2}|(?:" + c +
          ":){6}(?::" + c + ")|:(?::" + c + "){1,6}|" + c + "?::|(?:0:){6}(?:" + c + "\\.){3}" + c +
          "|::(?:ffff:)?(?:" + c + "\\.){3}" + c + "|(?:0:){5}ffff:(?:" + c + "\\.){3}" + c + "$)",
      std::regex::icase);
  return std::regex_search(s, re, std::regex_constants::match_continuous);
}

bool is_hostname(std::string s) {
  // Python's \w takes any Unicode letter; std::regex's only ASCII ones.
  for (auto& ch : s)
    if (static_cast<unsigned char>(ch) >= 0x80) ch = 'a';
  static const std::string label = "(?:\\w|" + k_alnum_range + ")(?:[\\w-]|" + k_alnum_range + ")*";
  static const std::regex re("^" + label + "(?:\\." + label + ")*$", std::regex::icase);
  if (!std::regex_match(s, re)) return false;
  // Ansible's (?<![_-]): no label ends with '_' or '-'.
  for (const auto& part : split(s, '.'))
    if (!part.empty() && (part.back() == '_' || part.back() == '-')) return false;
  return true;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::expected<HostPattern, std::string> parse_host_pattern(std::string_view text) {
  const std::string pattern(text);
  std::string address = pattern;
  int port = 0;
  static const std::regex bracketed(R"(^\[(.+)\]:([0-9]+)$)");
  static const std::regex hostport(R"(^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$)");
  for (const auto* re : {&bracketed, &hostport}) {
    std::smatch m;
    if (std::regex_match(address, m, *re)) {
      const std::string digits = m[2];
      if (digits.size() > 5 || std::stoi(digits) > 65535)
        return std::unexpected("port " + digits + " is not 1-65535");
      port = std::stoi(digits);
      address = m[1];
    }
  }
  HostPattern out;
  if (is_ipv4(address) || is_ipv6(address) || is_hostname(address)) {
    out = {address, port};
  } else {
    out = {pattern, 0};  // Ansible keeps what it cannot parse whole
  }
  if (!pattern.empty() && pattern.back() == ':' && out.port == 0) {
    return std::unexpected("invalid host '" + pattern +
                           "': a trailing ':' must be followed by a port");
  }
  if (out.host == "---") return std::unexpected("'---' starts a YAML file, not an INI host line");
  return out;
}

std::expected<std::vector<std::string>, std::string> expand_host_ranges(const std::string& host,
                                                                        std::size_t room) {
  auto open = host.find('[');
  if (open == std::string::npos) return std::vector<std::string>{host};
  auto close = host.find(']');
  auto bad = [&](const std::string& why) -> std::expected<std::vector<std::string>, std::string> {
    return std::unexpected("bad host range '" + host + "': " + why +
                           " (write it like web[1:3], db[01:10], n[a:f] or w[1:9:2])");
  };
  if (close == std::string::npos || close < open) return bad("missing ']'");
  auto parts = split(host.substr(open + 1, close - open - 1), ':');
  if (parts.size() < 2 || parts.size() > 3) return bad("expected [start:end] or [start:end:step]");
  const std::string head = host.substr(0, open), tail = host.substr(close + 1);
  std::string beg = parts[0].empty() ? "0" : parts[0];
  const std::string& end = parts[1];
  if (end.empty()) return bad("the end is missing");
  long long step = 1;
  if (parts.size() == 3) {
    if (!all_digits(parts[2]) || parts[2].size() > 18 || std::stoll(parts[2]) < 1)
      return bad("the step must be a positive integer");
    step = std::stoll(parts[2]);
  }
  std::size_t width = 0;  // "01" pads to two digits
  if (beg.size() > 1 && beg[0] == '0') {
    if (beg.size() != end.size()) return bad("the start and the end must have the same width");
    width = beg.size();
  }
  auto letter = [](const std::string& s) -> int {
    static const std::string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if (s.size() != 1) return -1;
    auto i = letters.find(s[0]);
    return i == std::string::npos ? -1 : static_cast<int>(i);
  };
  std::vector<std::string> items;
  if (letter(beg) >= 0 && letter(end) >= 0) {
    static const std::string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if (letter(beg) > letter(end)) return bad("the start is after the end");
    for (long long i = letter(beg); i <= letter(end); i += step)
      items.push_back(std::string(1, letters[static_cast<std::size_t>(i)]));
  } else {
    if (!all_digits(beg) || !all_digits(end) || beg.size() > 18 || end.size() > 18)
      return bad("the bounds must be numbers or single letters");
    const long long from = std::stoll(beg), to = std::stoll(end);
    if (from > to) return bad("the start is after the end");
    const long long count = (to - from) / step + 1;
    if (count > k_max_range_hosts)
      return bad("more than " + std::to_string(k_max_range_hosts) + " hosts in one range");
    if (static_cast<std::size_t>(count) > room)
      return bad("more than " + std::to_string(k_max_range_names) +
                 " host names from ranges in this file");
    for (long long n = from; n <= to; n += step) {
      std::string digits = std::to_string(n);
      if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
      items.push_back(digits);
    }
  }
  std::vector<std::string> out;
  for (const auto& item : items) {
    auto rest = expand_host_ranges(head + item + tail, room - std::min(room, out.size()));
    if (!rest) return rest;
    if (out.size() + rest->size() > room)
      return bad("more than " + std::to_string(k_max_range_names) +
                 " host names from ranges in this file");
    out.insert(out.end(), rest->begin(), rest->end());
  }
  return out;
}

}  // namespace forja
