#include "util/yaml_scan.hpp"

#include <vector>

namespace forja {

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }
bool flow_indicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

// The scanner's state across lines.
class NestingScan {
 public:
  explicit NestingScan(int max_depth) : m_max(max_depth) {}

  // Read one line (without its '\n'); a position when the estimate passes the limit.
  std::optional<TextPosition> line(std::string_view line, int number) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    std::size_t first = indent;
    while (first < line.size() && blank(line[first])) ++first;
    const bool empty = first == line.size();
    if (m_block_scalar >= 0) {
      if (empty || static_cast<long>(indent) > m_block_scalar) return std::nullopt;
      m_block_scalar = -1;
    }
    std::size_t i = 0;
    if (m_quote == 0 && m_flow == 0) {
      if (empty || line[first] == '#') return std::nullopt;
      while (!m_indents.empty() && m_indents.back() > indent) m_indents.pop_back();
      if (m_indents.empty() || m_indents.back() < indent) m_indents.push_back(indent);
      m_base = static_cast<int>(m_indents.size());
      m_node_start = true;
      i = indent;
      if (m_base > m_max) return TextPosition{number, static_cast<int>(indent) + 1};
    }
    int extra = 0;  // levels opened on this line: "- - x", "- key: x", "[", "{"
    auto deeper = [&] { return m_base + extra + m_flow > m_max; };
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (m_quote == '"') {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          m_quote = 0;
          m_node_start = false;
        }
        continue;
      }
      if (m_quote == '\'') {
        if (c == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
          ++i;
        } else if (c == '\'') {
          m_quote = 0;
          m_node_start = false;
        }
        continue;
      }
      if (blank(c)) continue;
      const bool space_before = i == 0 || blank(line[i - 1]);
      const bool space_after = i + 1 >= line.size() || blank(line[i + 1]);
      if (c == '#' && space_before) break;
      const TextPosition here{number, static_cast<int>(i) + 1};
      if ((c == '[' || c == '{') && (m_flow > 0 || m_node_start)) {
        ++m_flow;
        m_node_start = true;
        if (deeper()) return here;
        continue;
      }
      if (m_node_start && (c == '"' || c == '\'')) {
        m_quote = c;
        continue;
      }
      if (m_node_start && (c == '&' || c == '!')) {  // anchor or tag: the node follows
        while (i + 1 < line.size() && !blank(line[i + 1]) &&
               !(m_flow > 0 && flow_indicator(line[i + 1])))
          ++i;
        continue;
      }
      if (m_flow > 0) {
        if (c == ']' || c == '}') {
          --m_flow;
          m_node_start = false;
        } else {
          m_node_start = c == ',' || c == ':' || c == '?';
        }
        continue;
      }
      if (((c == '-' || c == '?') && m_node_start && space_after) || (c == ':' && space_after)) {
        ++extra;
        m_node_start = true;
        if (deeper()) return here;
        continue;
      }
      if (m_node_start && (c == '|' || c == '>')) {
        m_block_scalar = static_cast<long>(indent);
        break;
      }
      m_node_start = false;
    }
    return std::nullopt;
  }

 private:
  int m_max;
  std::vector<std::size_t> m_indents;  // indentation of the open block levels
  int m_base = 0;                      // block levels of the current line
  int m_flow = 0;                      // open '[' and '{'
  char m_quote = 0;                    // inside a quoted scalar: its quote
  long m_block_scalar = -1;            // inside a | or > scalar: its parent line's indentation
  bool m_node_start = true;            // a node (not the middle of a plain scalar) may start here
};

}  // namespace

std::optional<TextPosition> yaml_nesting_exceeds(std::string_view text, int max_depth) {
  NestingScan scan(max_depth);
  int number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (auto at = scan.line(text.substr(start, end - start), ++number)) return at;
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace forja
