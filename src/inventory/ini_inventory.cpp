// Ansible's INI inventory, read as Ansible 2.14's ini plugin reads it: sections in any order
// with forward references, host lines split like a shell (shlex, '#' comments), host patterns
// with ranges and ports, values evaluated as Python literals.
#include <regex>

#include "inventory/ansible_raw.hpp"
#include "inventory/host_pattern.hpp"
#include "inventory/load.hpp"
#include "inventory/python_literal.hpp"
#include "inventory/typed_value.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

namespace forja {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string strip(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && is_space(s[a])) ++a;
  while (b > a && is_space(s[b - 1])) --b;
  return std::string(s.substr(a, b - a));
}

struct Token {
  std::string text;
  int column = 0;  // 1-based, where the word starts
};

// Python's shlex.split(line, comments=True): blanks separate words, quotes group and are
// removed, a backslash escapes outside single quotes, '#' starts a comment even inside a word.
Result<std::vector<Token>> shlex_split(std::string_view line, const SourceLocation& at,
                                       std::span<const std::string> lines) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i >= line.size() || line[i] == '#') break;
    Token t;
    t.column = static_cast<int>(i) + 1;
    bool comment = false;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
      char c = line[i];
      if (c == '#') {
        comment = true;
        break;
      }
      if (c == '\\') {
        if (i + 1 >= line.size()) {
          return located_error({at.file, at.line, static_cast<int>(i) + 1},
                               "a backslash at the end of the line escapes nothing", lines);
        }
        t.text += line[i + 1];
        i += 2;
      } else if (c == '"' || c == '\'') {
        std::size_t j = i + 1;
        for (; j < line.size() && line[j] != c; ++j) {
          if (c == '"' && line[j] == '\\' && j + 1 < line.size() &&
              (line[j + 1] == '"' || line[j + 1] == '\\')) {
            ++j;
          }
          t.text += line[j];
        }
        if (j >= line.size()) {
          return located_error({at.file, at.line, static_cast<int>(i) + 1},
                               std::string("unterminated quote ") + c, lines);
        }
        i = j + 1;
      } else {
        t.text += c;
        ++i;
      }
    }
    out.push_back(std::move(t));
    if (comment) break;
  }
  return out;
}

enum class Section { hosts, vars, children };

struct Pending {
  Section kind;
  SourceLocation where;
  std::vector<NameRef> parents;  // for children: the groups that named it, and where
};

class IniReader {
 public:
  IniReader(const std::string& path, std::string_view text)
      : m_raw(path, split_lines(text)), m_text(text) {}

  Result<AnsibleRawInventory> read() {
    if (auto bad = first_invalid_utf8(m_text)) {
      auto p = position_of(m_text, *bad);
      m_line = p.line;
      return error(p.column, "not valid UTF-8; an inventory is UTF-8 text");
    }
    for (std::size_t n = 0; n < m_raw.lines.size(); ++n) {
      m_line = static_cast<int>(n) + 1;
      std::string line = m_raw.lines[n];
      if (!line.empty() && line.back() == '\r') line.pop_back();
      m_offset = static_cast<int>(line.find_first_not_of(" \t\v\f"));
      std::string t = strip(line);
      if (t.empty() || t[0] == '#' || t[0] == ';') continue;
      Result<void> r = {};
      if (t[0] == '[' && section(t)) {
        r = m_section_result;
      } else if (t[0] == '[' && t.back() == ']') {
        r = error(1, "invalid section header '" + t +
                         "': a header is [group], [group:vars] or [group:children], with no "
                         "blanks inside the brackets");
      } else if (m_section == Section::hosts) {
        r = host_line(line);
      } else if (m_section == Section::vars) {
        r = vars_line(t);
      } else {
        r = child_line(t);
      }
      if (!r) return std::unexpected(r.error());
    }
    for (const auto& [name, p] : m_pending) {
      std::vector<std::string> known;
      for (const auto& g : m_defined) known.push_back(g);
      if (p.kind == Section::vars) {
        return m_raw.error(p.where, "[" + name + ":vars] for unknown group '" + name + "'" +
                                        did_you_mean(name, known) + "; define it with a [" + name +
                                        "] section");
      }
      return m_raw.error(
          p.where, "group '" + p.parents.front().name + "' has unknown child group '" + name + "'" +
                       did_you_mean(name, known) + "; define it with a [" + name + "] section");
    }
    return std::move(m_raw);
  }

 private:
  std::unexpected<Error> error(int column, const std::string& what) const {
    return m_raw.error(at(column), what);
  }
  SourceLocation at(int column) const { return {m_raw.path, m_line, column}; }

  // A header: [name], [name:kind], then blanks and an optional '#' comment. False when the line
  // is not one (Ansible then reads it as an entry of the current section).
  bool section(const std::string& t) {
    static const std::regex header(R"(^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$)");
    std::smatch m;
    if (!std::regex_match(t, m, header)) return false;
    const std::string name = m[1];
    const std::string kind = m[2];
    const int column = m_offset + 2;
    m_section_result = {};
    if (!kind.empty() && kind != "hosts" && kind != "vars" && kind != "children") {
      m_section_result = error(column + static_cast<int>(name.size()) + 1,
                               "unknown section kind ':" + kind + "'" +
                                   did_you_mean(":" + kind, {":vars", ":children"}) +
                                   "; sections are [group], [group:vars] and [group:children]");
      return true;
    }
    m_section = kind == "vars"       ? Section::vars
                : kind == "children" ? Section::children
                                     : Section::hosts;
    m_group = name;
    if (m_section != Section::vars) m_defined.insert(name);
    if (!m_raw.has_group(name)) {
      if (m_section == Section::vars && !m_pending.contains(name))
        m_pending.emplace(name, Pending{Section::vars, at(column), {}});
      m_raw.group(name, at(column));
    }
    if (auto it = m_pending.find(name); it != m_pending.end() && m_section != Section::vars) {
      if (it->second.kind == Section::children) {
        add_pending_children(name);
      } else {
        m_pending.erase(it);
      }
    }
    return true;
  }

  // A group named as a child before its own section: it is a child of those parents now.
  void add_pending_children(const std::string& group) {
    auto it = m_pending.find(group);
    if (it == m_pending.end()) return;
    const Pending p = it->second;
    m_pending.erase(it);
    for (const auto& parent : p.parents) m_raw.add_child(parent.name, group, parent.where);
  }

  Result<void> child_line(const std::string& t) {
    static const std::regex name_re(R"(^([^:\]\s]+)\s*(?:#.*)?$)");
    std::smatch m;
    const int column = m_offset + 1;
    if (!std::regex_match(t, m, name_re)) {
      return error(column, "expected one group name per line in [" + m_group + ":children], got '" +
                               t + "'");
    }
    const std::string child = m[1];
    if (!m_raw.has_group(child)) {
      auto [it, fresh] = m_pending.emplace(child, Pending{Section::children, at(column), {}});
      it->second.parents.push_back({m_group, at(column)});
      return {};
    }
    m_raw.add_child(m_group, child, at(column));
    return {};
  }

  Result<void> vars_line(const std::string& t) {
    const int column = m_offset + 1;
    auto eq = t.find('=');
    if (eq == std::string::npos) {
      return error(column, "expected key=value in [" + m_group + ":vars], got '" + t + "'");
    }
    std::string key = strip(std::string_view(t).substr(0, eq));
    std::string text = strip(std::string_view(t).substr(eq + 1));
    auto value_col = t.find_first_not_of(" \t", eq + 1);
    const int vcol = column + static_cast<int>(value_col == std::string::npos ? eq + 1 : value_col);
    auto value = typed(key, text, vcol);
    if (!value) return std::unexpected(value.error());
    m_raw.group(m_group, at(column)).vars[key] = {*value, at(vcol), at(column)};
    return {};
  }

  // A value as Ansible's _parse_value makes it: a Python literal, else the text.
  Result<YAML::Node> typed(const std::string& key, const std::string& text, int column) {
    auto lit = eval_python_literal(text);
    if (lit.kind == PythonLiteral::Kind::text) return string_node(text);
    if (lit.kind == PythonLiteral::Kind::unsupported) {
      return error(column, key + ": '" + text + "' reads as " + lit.why +
                               ", which Ansible cannot show either; quote it to keep the text");
    }
    if (lit.dropped_comment) {
      m_raw.warnings.push_back(at(column).str() + ": warning: " + key + ": '" + text +
                               "' reads as " +
                               (lit.node.IsScalar() ? lit.node.Scalar() : "a value") +
                               ": '#' starts a Python comment, as in Ansible; write " + key +
                               "='\"" + text + "\"' to keep the text");
    }
    return lit.node;
  }

  Result<void> host_line(const std::string& line) {
    auto tokens = shlex_split(line, at(0), m_raw.lines);
    if (!tokens) return std::unexpected(tokens.error());
    if (tokens->empty()) return {};
    const Token& first = tokens->front();
    auto pattern = parse_host_pattern(first.text);
    if (!pattern) return error(first.column, pattern.error());
    auto names = expand_host_ranges(pattern->host, k_max_range_names - m_range_names);
    if (!names) return error(first.column, names.error());
    if (names->size() > 1) m_range_names += names->size();
    AnsibleVars vars;
    for (std::size_t i = 1; i < tokens->size(); ++i) {
      const Token& t = (*tokens)[i];
      auto eq = t.text.find('=');
      if (eq == std::string::npos) {
        return error(t.column, "expected key=value after the host name, got '" + t.text + "'");
      }
      const std::string key = t.text.substr(0, eq);
      auto value = typed(key, t.text.substr(eq + 1), t.column + static_cast<int>(eq) + 1);
      if (!value) return std::unexpected(value.error());
      vars[key] = {*value, at(t.column + static_cast<int>(eq) + 1), at(t.column)};
    }
    const std::string group = m_group.empty() ? "ungrouped" : m_group;
    for (const auto& n : *names) {
      if (n.empty()) return error(first.column, "empty host name");
      AnsibleHost& h = m_raw.host(n, at(first.column), pattern->port);
      for (const auto& [k, v] : vars) h.vars[k] = {YAML::Clone(v.value), v.where, v.key_where};
      m_raw.add_host_to_group(group, n);
    }
    return {};
  }

  AnsibleRawInventory m_raw;
  std::string_view m_text;
  int m_line = 0;
  int m_offset = 0;  // the column (0-based) where the current line's text starts
  Section m_section = Section::hosts;
  std::string m_group;  // the current section's group; empty before any section
  Result<void> m_section_result = {};
  std::map<std::string, Pending> m_pending;
  std::set<std::string> m_defined;
  std::size_t m_range_names = 0;
};

}  // namespace

Result<Inventory> parse_ini_inventory(const std::string& path, std::string_view text) {
  auto raw = IniReader(path, text).read();
  if (!raw) return std::unexpected(raw.error());
  return resolve_ansible_inventory(std::move(*raw));
}

}  // namespace forja
