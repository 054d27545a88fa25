// Ansible's INI inventory: [group], [group:vars], [group:children], host lines with key=value.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "inventory/load.hpp"
#include "inventory/raw.hpp"
#include "util/limits.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

namespace forja {

namespace {

struct Token {
  std::string text;
  int column = 0;  // 1-based
};

// Split a host line on blanks; quotes group words and are removed; an unquoted '#' or ';'
// starting a word begins a comment.
Result<std::vector<Token>> tokenize(std::string_view line, const SourceLocation& at,
                                    std::span<const std::string> lines) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size() || line[i] == '#' || line[i] == ';') break;
    Token t;
    t.column = static_cast<int>(i) + 1;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
      if (line[i] == '"' || line[i] == '\'') {
        char quote = line[i];
        std::size_t close = line.find(quote, i + 1);
        if (close == std::string_view::npos) {
          return located_error({at.file, at.line, static_cast<int>(i) + 1},
                               std::string("unterminated quote ") + quote, lines);
        }
        t.text += line.substr(i + 1, close - i - 1);
        i = close + 1;
      } else {
        t.text += line[i++];
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

// Hosts one range may produce: "web[1:10000]" is the most.
constexpr long long k_max_range_hosts = 10'000;
// Names all the ranges of one file may produce together, a host counted once per line that
// names it: thousands of hosts in several groups pass; millions (seconds of work) do not.
constexpr std::size_t k_max_range_names = 100'000 / k_limit_divisor;

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "web[1:3]" -> web1 web2 web3; "db[01:10]" keeps the zero padding; "n[a:c]" -> na nb nc.
// At most `room` names (what is left of k_max_range_names).
Result<std::vector<std::string>> expand_range(const std::string& name, const SourceLocation& at,
                                              std::span<const std::string> lines,
                                              std::size_t room) {
  auto open = name.find('[');
  if (open == std::string::npos) return std::vector<std::string>{name};
  auto close = name.find(']', open);
  auto bad = [&](const std::string& why) {
    return located_error(
        at, "bad host range '" + name + "': " + why + " (write it like web[1:3] or db[01:10])",
        lines);
  };
  if (close == std::string::npos) return bad("missing ']'");
  auto parts = split(name.substr(open + 1, close - open - 1), ':');
  if (parts.size() < 2 || parts.size() > 3) return bad("expected [start:end] or [start:end:step]");
  const std::string prefix = name.substr(0, open);
  const std::string suffix = name.substr(close + 1);
  // Bounds and step as 64-bit numbers of at most 18 digits: nothing here can overflow.
  long long step = 1;
  if (parts.size() == 3) {
    if (!all_digits(parts[2]) || parts[2].size() > 18 || std::stoll(parts[2]) < 1)
      return bad("the step must be a positive integer");
    step = std::stoll(parts[2]);
  }
  const std::string &a = parts[0], &b = parts[1];
  long long from = 0, to = 0;
  const bool letters = a.size() == 1 && b.size() == 1 &&
                       std::isalpha(static_cast<unsigned char>(a[0])) &&
                       std::isalpha(static_cast<unsigned char>(b[0]));
  if (letters) {
    from = static_cast<unsigned char>(a[0]);
    to = static_cast<unsigned char>(b[0]);
  } else {
    if (!all_digits(a) || !all_digits(b) || a.size() > 18 || b.size() > 18)
      return bad("the bounds must be numbers or single letters");
    from = std::stoll(a);
    to = std::stoll(b);
  }
  if (from > to) return bad("the start is after the end");
  const long long count = (to - from) / step + 1;
  if (count > k_max_range_hosts) {
    return bad("more than " + std::to_string(k_max_range_hosts) + " hosts in one range");
  }
  if (static_cast<std::size_t>(count) > room) {
    return bad("more than " + std::to_string(k_max_range_names) +
               " host names from ranges in this file");
  }
  std::vector<std::string> out;
  for (long long k = 0; k < count; ++k) {
    const long long n = from + k * step;
    if (letters) {
      out.push_back(prefix + static_cast<char>(n) + suffix);
      continue;
    }
    std::string digits = std::to_string(n);
    if (a.size() > 1 && a[0] == '0' && digits.size() < a.size())
      digits.insert(0, a.size() - digits.size(), '0');
    out.push_back(prefix + digits + suffix);
  }
  return out;
}

enum class Section { hosts, vars, children };

class IniReader {
 public:
  IniReader(const std::string& path, std::string_view text) : m_lines(split_lines(text)) {
    m_raw.path = path;
    m_raw.hosts_where = {path, 1, 1};
  }

  Result<RawInventory> read(std::string_view text) {
    if (auto bad = first_invalid_utf8(text)) {
      auto p = position_of(text, *bad);
      m_line = p.line;
      return error(p.column, "not valid UTF-8; an inventory is UTF-8 text");
    }
    for (std::size_t n = 0; n < m_lines.size(); ++n) {
      m_line = static_cast<int>(n) + 1;
      const std::string& line = m_lines[n];
      std::string t = trim(line);
      if (t.empty() || t[0] == '#' || t[0] == ';') continue;
      auto r = t[0] == '[' ? section(line) : entry(line);
      if (!r) return std::unexpected(r.error());
    }
    for (const auto& [ref, what] : m_must_exist) {
      if (!m_defined.contains(ref.name)) {
        std::vector<std::string> known(m_defined.begin(), m_defined.end());
        m_line = ref.where.line;
        return error(ref.where.column, what + " '" + ref.name + "'" +
                                           did_you_mean(ref.name, known) + "; define it with a [" +
                                           ref.name + "] section");
      }
    }
    m_raw.lines = m_lines;
    return std::move(m_raw);
  }

 private:
  std::unexpected<Error> error(int column, const std::string& what) const {
    return located_error({m_raw.path, m_line, column}, what, m_lines);
  }
  SourceLocation at(int column) const { return {m_raw.path, m_line, column}; }

  RawGroup& group(const std::string& name, int column) {
    auto [it, fresh] = m_group_index.emplace(name, m_raw.groups.size());
    if (fresh) {
      RawGroup g;
      g.name = name;
      g.where = at(column);
      g.vars = YAML::Node(YAML::NodeType::Map);
      m_raw.groups.push_back(std::move(g));
    }
    return m_raw.groups[it->second];
  }

  Result<void> section(const std::string& line) {
    auto open = line.find('[');
    auto close = line.find(']');
    int column = static_cast<int>(open) + 2;
    if (close == std::string::npos) return error(column - 1, "section header without ']'");
    std::string rest = trim(std::string_view(line).substr(close + 1));
    if (!rest.empty() && rest[0] != '#' && rest[0] != ';') {
      return error(static_cast<int>(close) + 2, "unexpected text after the section header");
    }
    std::string inside = line.substr(open + 1, close - open - 1);
    std::string name = inside, kind;
    if (auto colon = inside.find(':'); colon != std::string::npos) {
      name = inside.substr(0, colon);
      kind = inside.substr(colon + 1);
    }
    if (!valid_name(name)) {
      return error(column,
                   "invalid group name '" + name + "': use letters, digits, '.', '_' and '-' only");
    }
    if (kind.empty()) {
      m_section = Section::hosts;
    } else if (kind == "vars") {
      m_section = Section::vars;
    } else if (kind == "children") {
      m_section = Section::children;
    } else {
      return error(column + static_cast<int>(name.size()) + 1,
                   "unknown section kind ':" + kind + "'" +
                       did_you_mean(":" + kind, {":vars", ":children"}) +
                       "; sections are [group], [group:vars] and [group:children]");
    }
    m_group = name;
    if (name == "all") return {};
    if (m_section == Section::vars) {
      m_must_exist.emplace_back(NameRef{name, at(column)}, "[" + name + ":vars] for unknown group");
    } else {
      group(name, column);
      m_defined.insert(name);
    }
    return {};
  }

  Result<void> entry(const std::string& line) {
    switch (m_section) {
      case Section::hosts:
        return host_line(line);
      case Section::vars:
        return vars_line(line);
      case Section::children: {
        auto tokens = tokenize(line, at(0), m_lines);
        if (!tokens) return std::unexpected(tokens.error());
        if (tokens->size() != 1) {
          return error((*tokens)[1].column,
                       "one group name per line in [" + m_group + ":children]");
        }
        const Token& t = tokens->front();
        if (m_group != "all")
          group(m_group, 1).children.push_back({t.text, at(t.column)});
        else
          m_must_exist.emplace_back(NameRef{t.text, at(t.column)}, "unknown group");
        return {};
      }
    }
    return {};
  }

  Result<void> host_line(const std::string& line) {
    auto tokens = tokenize(line, at(0), m_lines);
    if (!tokens) return std::unexpected(tokens.error());
    const Token& first = tokens->front();
    std::string name = first.text;
    ConnectionSettings settings;
    YAML::Node vars(YAML::NodeType::Map);
    // "name:port", Ansible's short form (a ':' inside a [range] does not count).
    auto close = name.rfind(']');
    auto colon = name.find(':', close == std::string::npos ? 0 : close);
    if (colon != std::string::npos) {
      auto port = typed_int(name.substr(colon + 1), "port", 1, 65535,
                            first.column + static_cast<int>(colon) + 1);
      if (!port) return std::unexpected(port.error());
      settings.port = *port;
      name = name.substr(0, colon);
    }
    for (std::size_t i = 1; i < tokens->size(); ++i) {
      const Token& t = (*tokens)[i];
      auto eq = t.text.find('=');
      if (eq == std::string::npos || eq == 0) {
        return error(t.column, "expected key=value after the host name, got '" + t.text + "'");
      }
      auto r = setting(t.text.substr(0, eq), t.text.substr(eq + 1), t.column,
                       t.column + static_cast<int>(eq) + 1, Level::host, settings, vars);
      if (!r) return r;
    }
    auto names = expand_range(name, at(first.column), m_lines, k_max_range_names - m_range_names);
    if (!names) return std::unexpected(names.error());
    if (names->size() > 1) m_range_names += names->size();
    for (const auto& n : *names) {
      if (!valid_name(n)) {
        return error(first.column,
                     "invalid host name '" + n + "': use letters, digits, '.', '_' and '-' only");
      }
      auto [it, fresh] = m_host_index.emplace(n, m_raw.hosts.size());
      if (fresh) {
        RawHost h;
        h.name = n;
        h.where = at(first.column);
        h.vars = YAML::Node(YAML::NodeType::Map);
        m_raw.hosts.push_back(std::move(h));
      }
      RawHost& h = m_raw.hosts[it->second];
      overlay(h.settings, settings);
      for (const auto& kv : vars) h.vars[kv.first.Scalar()] = YAML::Clone(kv.second);
      if (m_section == Section::hosts && !m_group.empty() && m_group != "all") {
        group(m_group, 1).hosts.push_back({n, at(first.column)});
      }
    }
    return {};
  }

  Result<void> vars_line(const std::string& line) {
    auto eq = line.find('=');
    std::size_t start = line.find_first_not_of(" \t");
    if (eq == std::string::npos) {
      return error(static_cast<int>(start) + 1,
                   "expected key=value in [" + m_group + ":vars], got '" + trim(line) + "'");
    }
    std::string key = trim(std::string_view(line).substr(0, eq));
    std::string value = trim(std::string_view(line).substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    std::size_t value_col = line.find_first_not_of(" \t", eq + 1);
    if (value_col == std::string::npos) value_col = eq + 1;
    if (m_group == "all") {
      return setting(key, value, static_cast<int>(start) + 1, static_cast<int>(value_col) + 1,
                     Level::group, m_raw.defaults, m_raw.vars);
    }
    RawGroup& g = group(m_group, static_cast<int>(start) + 1);
    if (!g.vars.IsDefined() || g.vars.IsNull()) g.vars = YAML::Node(YAML::NodeType::Map);
    return setting(key, value, static_cast<int>(start) + 1, static_cast<int>(value_col) + 1,
                   Level::group, g.settings, g.vars);
  }

  enum class Level { host, group };

  // One key=value: a connection setting when it is one of Ansible's (or forja's) connection
  // variables, otherwise a variable kept as a string.
  Result<void> setting(const std::string& key, const std::string& value, int key_col, int value_col,
                       Level level, ConnectionSettings& s, YAML::Node& vars) {
    static const std::map<std::string, std::string> k_keys = {
        {"ansible_host", "address"},
        {"ansible_ssh_host", "address"},
        {"ansible_port", "port"},
        {"ansible_ssh_port", "port"},
        {"ansible_user", "user"},
        {"ansible_ssh_user", "user"},
        {"ansible_ssh_private_key_file", "key"},
        {"ansible_private_key_file", "key"},
        {"ansible_become", "become"},
        {"ansible_become_user", "become_user"},
        {"ansible_timeout", "connect_timeout"},
        {"ansible_ssh_timeout", "connect_timeout"},
        {"forja_known_hosts", "known_hosts"},
        {"forja_password_env", "password_env"},
        {"forja_become_password_env", "become_password_env"},
    };
    if (key == "ansible_password" || key == "ansible_ssh_pass" || key == "ansible_become_pass" ||
        key == "ansible_become_password") {
      return error(
          key_col,
          "forja does not read passwords from the inventory; put the password "
          "in an environment variable and name it with " +
              std::string(key.find("become") != std::string::npos ? "forja_become_password_env"
                                                                  : "forja_password_env") +
              "=VAR");
    }
    auto it = k_keys.find(key);
    if (it == k_keys.end()) {
      if (starts_with(key, "forja_")) {
        std::vector<std::string> known;
        for (const auto& [k, v] : k_keys) known.push_back(k);
        return error(key_col, "unknown forja setting '" + key + "'" + did_you_mean(key, known));
      }
      if (!valid_var_name(key)) {
        return error(key_col, "invalid variable name '" + key + "'");
      }
      vars[key] = value;
      return {};
    }
    const std::string& field = it->second;
    if (field == "address") {
      if (level != Level::host) {
        return error(key_col, key + " belongs on a host line, not in [" + m_group + ":vars]");
      }
      if (value.empty()) return error(value_col, key + ": must not be empty");
      if (!valid_address(value)) {
        return error(value_col, key + ": '" + value +
                                    "' is not an address (an IP address or DNS name has no "
                                    "blanks or control characters)");
      }
      s.address = value;
    } else if (field == "port" || field == "connect_timeout") {
      auto n = typed_int(value, key, 1, field == "port" ? 65535 : 3600, value_col);
      if (!n) return std::unexpected(n.error());
      (field == "port" ? s.port : s.connect_timeout) = *n;
    } else if (field == "become") {
      if (value == "true" || value == "True" || value == "TRUE") {
        s.become = true;
      } else if (value == "false" || value == "False" || value == "FALSE") {
        s.become = false;
      } else {
        return error(value_col, key + ": expected true or false, got '" + value + "'");
      }
    } else if (field == "user") {
      s.user = value;
    } else if (field == "key") {
      s.key_file = resolve_inventory_path(value, m_raw.path);
    } else if (field == "known_hosts") {
      s.known_hosts = resolve_inventory_path(value, m_raw.path);
    } else if (field == "password_env") {
      s.password_env = value;
    } else if (field == "become_user") {
      s.become_user = value;
    } else if (field == "become_password_env") {
      s.become_password_env = value;
    }
    return {};
  }

  static bool valid_var_name(std::string_view key) {
    return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
  }

  Result<int> typed_int(const std::string& text, const std::string& what, int min, int max,
                        int column) const {
    int n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || n < min || n > max) {
      return error(column, what + ": expected an integer " + std::to_string(min) + "-" +
                               std::to_string(max) + ", got '" + text + "'");
    }
    return n;
  }

  static void overlay(ConnectionSettings& into, const ConnectionSettings& from) {
    if (from.address) into.address = from.address;
    if (from.port) into.port = from.port;
    if (from.user) into.user = from.user;
    if (from.key_file) into.key_file = from.key_file;
    if (from.known_hosts) into.known_hosts = from.known_hosts;
    if (from.password_env) into.password_env = from.password_env;
    if (from.become) into.become = from.become;
    if (from.become_user) into.become_user = from.become_user;
    if (from.become_password_env) into.become_password_env = from.become_password_env;
    if (from.connect_timeout) into.connect_timeout = from.connect_timeout;
  }

  std::vector<std::string> m_lines;
  RawInventory m_raw;
  int m_line = 0;
  Section m_section = Section::hosts;
  std::string m_group;  // current section's group; empty before any section (ungrouped hosts)
  std::map<std::string, std::size_t> m_group_index;
  std::map<std::string, std::size_t> m_host_index;
  std::size_t m_range_names = 0;    // names produced by ranges so far
  std::set<std::string> m_defined;  // groups with a [g] or [g:children] section
  std::vector<std::pair<NameRef, std::string>> m_must_exist;  // [g:vars], [all:children] names
};

}  // namespace

Result<Inventory> parse_ini_inventory(const std::string& path, std::string_view text) {
  auto raw = IniReader(path, text).read(text);
  if (!raw) return std::unexpected(raw.error());
  return resolve_inventory(std::move(*raw));
}

}  // namespace forja
