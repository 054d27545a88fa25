#include "inventory/vagrant_ssh_config.hpp"

#include <algorithm>
#include <charconv>

#include "util/text.hpp"

namespace forja {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// One `Keyword value` line, split; columns are 1-based.
struct ConfigLine {
  std::string keyword;             // lower case
  std::string value;               // unquoted
  std::vector<std::string> words;  // the value split on blanks (unquoted values only)
  int keyword_column = 0;
  int value_column = 0;
};

Result<ConfigLine> split_line(std::string_view line, const SourceLocation& at,
                              const std::vector<std::string>& lines) {
  ConfigLine out;
  std::size_t i = 0;
  while (i < line.size() && blank(line[i])) ++i;
  std::size_t start = i;
  while (i < line.size() && !blank(line[i]) && line[i] != '=') ++i;
  out.keyword = lower(line.substr(start, i - start));
  out.keyword_column = static_cast<int>(start) + 1;
  while (i < line.size() && blank(line[i])) ++i;
  if (i < line.size() && line[i] == '=') {
    ++i;
    while (i < line.size() && blank(line[i])) ++i;
  }
  out.value_column = static_cast<int>(i) + 1;
  auto rest = line.substr(i);
  while (!rest.empty() && blank(rest.back())) rest.remove_suffix(1);
  if (!rest.empty() && rest.front() == '"') {
    auto close = rest.find('"', 1);
    if (close == std::string_view::npos) {
      return located_error({at.file, at.line, out.value_column}, "unterminated quoted value",
                           lines);
    }
    if (close + 1 != rest.size()) {
      return located_error({at.file, at.line, out.value_column + static_cast<int>(close) + 1},
                           "unexpected text after the quoted value", lines);
    }
    out.value = std::string(rest.substr(1, close - 1));
    out.words = {out.value};
    return out;
  }
  out.value = std::string(rest);
  for (const auto& w : split(rest, ' ')) {
    auto t = trim(w);
    if (!t.empty()) out.words.push_back(t);
  }
  return out;
}

// The known-host settings of one line (block or included file); true when it was one.
bool known_host_setting(const ConfigLine& line, VagrantMachine& m) {
  if (line.keyword == "userknownhostsfile") {
    if (m.known_hosts.empty() && !line.words.empty()) m.known_hosts = line.words.front();
    return true;
  }
  if (line.keyword == "stricthostkeychecking") {
    if (m.strict_host_keys.empty()) m.strict_host_keys = lower(line.value);
    return true;
  }
  return false;
}

}  // namespace

Result<std::vector<VagrantMachine>> parse_vagrant_ssh_config(std::string_view text,
                                                             std::string_view origin) {
  auto lines = split_lines(text);
  std::vector<VagrantMachine> machines;
  auto finish = [&]() -> Result<void> {
    if (machines.empty()) return {};
    const auto& m = machines.back();
    if (m.host_name.empty()) {
      return located_error(m.where, "machine '" + m.name + "' has no HostName", lines);
    }
    return {};
  };
  for (std::size_t n = 0; n < lines.size(); ++n) {
    auto trimmed = trim(lines[n]);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    SourceLocation at{std::string(origin), static_cast<int>(n) + 1, 1};
    auto line = split_line(lines[n], at, lines);
    if (!line) return std::unexpected(line.error());
    SourceLocation key_at{at.file, at.line, line->keyword_column};
    SourceLocation value_at{at.file, at.line, line->value_column};
    if (line->keyword == "host") {
      if (auto f = finish(); !f) return std::unexpected(f.error());
      if (line->words.size() != 1) {
        return located_error(value_at,
                             line->words.empty()
                                 ? "Host without a machine name"
                                 : "Host names " + std::to_string(line->words.size()) +
                                       " patterns; vagrant ssh-config writes one machine name",
                             lines);
      }
      const auto& name = line->words.front();
      if (std::ranges::any_of(machines, [&](const VagrantMachine& m) { return m.name == name; })) {
        return located_error(value_at, "machine '" + name + "' is described twice", lines);
      }
      VagrantMachine m;
      m.name = name;
      m.where = key_at;
      machines.push_back(std::move(m));
      continue;
    }
    if (machines.empty()) {
      return located_error(
          key_at,
          "'" + trim(lines[n]) + "' before any Host line; is this `vagrant ssh-config` output?",
          lines);
    }
    auto& m = machines.back();
    if (line->value.empty()) {
      return located_error(key_at, "no value after '" + line->keyword + "'", lines);
    }
    if (line->keyword == "hostname") {
      m.host_name = line->words.front();
    } else if (line->keyword == "port") {
      int port = 0;
      const auto& v = line->value;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), port);
      if (ec != std::errc() || end != v.data() + v.size() || port < 1 || port > 65535) {
        return located_error(value_at, "Port must be 1..65535, not '" + v + "'", lines);
      }
      m.port = port;
    } else if (line->keyword == "user") {
      m.user = line->value;
    } else if (line->keyword == "identityfile") {
      if (m.identity_file.empty()) m.identity_file = line->value;
    } else if (line->keyword == "include") {
      m.includes.push_back(line->value);
    } else {
      known_host_setting(*line, m);
    }
  }
  if (auto f = finish(); !f) return std::unexpected(f.error());
  if (machines.empty()) {
    return bad_input(std::string(origin) +
                     ": no machine (no Host line); is any machine of the Vagrantfile created?");
  }
  return machines;
}

Result<void> apply_ssh_include(VagrantMachine& machine, std::string_view text,
                               std::string_view origin) {
  auto lines = split_lines(text);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    auto trimmed = trim(lines[n]);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    SourceLocation at{std::string(origin), static_cast<int>(n) + 1, 1};
    auto line = split_line(lines[n], at, lines);
    if (!line) return std::unexpected(line.error());
    if (line->keyword == "host" || line->keyword == "match") {
      return located_error({at.file, at.line, line->keyword_column},
                           "a file a machine's block includes must not open Host or Match "
                           "blocks of its own",
                           lines);
    }
    known_host_setting(*line, machine);
  }
  return {};
}

bool names_checked_host_keys(const VagrantMachine& machine) {
  if (machine.known_hosts.empty() || machine.known_hosts == "/dev/null") return false;
  return machine.strict_host_keys != "no" && machine.strict_host_keys != "off";
}

}  // namespace forja
