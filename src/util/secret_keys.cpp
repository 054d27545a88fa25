#include "util/secret_keys.hpp"

#include <algorithm>
#include <mutex>
#include <optional>

namespace forja {

namespace {

constexpr std::string_view k_marker = "********";

struct Registry {
  std::mutex mutex;
  bool (*rule)(std::string_view) = nullptr;
  std::vector<std::string> names;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

enum class Form { yaml, ini };  // `key: value` or `key=value`

// The key that ends where a separator starts (blanks before it skipped): a run of non-blank
// bytes up to a blank or a flow indicator, or a quoted key.
std::optional<std::string_view> key_before(std::string_view line, std::size_t separator) {
  std::size_t end = separator;
  while (end > 0 && is_blank(line[end - 1])) --end;
  if (end == 0) return std::nullopt;
  const char last = line[end - 1];
  if ((last == '"' || last == '\'') && end >= 2) {
    const auto open = line.rfind(last, end - 2);
    if (open == std::string_view::npos) return std::nullopt;
    return line.substr(open + 1, end - 2 - open);
  }
  std::size_t begin = end;
  while (begin > 0 && !is_blank(line[begin - 1]) &&
         std::string_view("{[,\"'").find(line[begin - 1]) == std::string_view::npos)
    --begin;
  if (begin == end) return std::nullopt;
  return line.substr(begin, end - begin);
}

// Whether a `:` at `pos` separates a YAML key from its value, or a `=` an INI key from its.
std::optional<Form> separator_at(std::string_view line, std::size_t pos) {
  const char c = line[pos];
  if (c == ':' && (pos + 1 == line.size() || is_blank(line[pos + 1]))) return Form::yaml;
  if (c == '=' && (pos + 1 == line.size() || line[pos + 1] != '=') &&
      (pos == 0 || std::string_view("=!<>").find(line[pos - 1]) == std::string_view::npos))
    return Form::ini;
  return std::nullopt;
}

// Whether the word at `pos` is an INI assignment (`name=...`): the end of a plain INI value.
bool assignment_at(std::string_view line, std::size_t pos) {
  std::size_t i = pos;
  while (i < line.size() && is_word_char(line[i])) ++i;
  return i > pos && i < line.size() && line[i] == '=';
}

// Unclosed '[' and '{' before `pos`: inside a YAML flow collection, plain values end at ','.
int flow_depth(std::string_view line, std::size_t pos) {
  int depth = 0;
  for (std::size_t i = 0; i < pos; ++i) {
    if (line[i] == '[' || line[i] == '{') ++depth;
    if ((line[i] == ']' || line[i] == '}') && depth > 0) --depth;
  }
  return depth;
}

// The end of a quoted value starting at `pos` (just past the closing quote; the line's end
// when it is not closed on this line).
std::size_t quoted_end(std::string_view line, std::size_t pos) {
  const char quote = line[pos];
  for (std::size_t i = pos + 1; i < line.size(); ++i) {
    if (quote == '"' && line[i] == '\\') {
      ++i;
    } else if (line[i] == quote) {
      if (quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
        ++i;  // '' inside single quotes
      } else {
        return i + 1;
      }
    }
  }
  return line.size();
}

// The end of the value that starts at `pos` (blanks after the separator already skipped).
std::size_t value_end(std::string_view line, std::size_t pos, Form form, bool in_flow) {
  const char first = line[pos];
  if (first == '"' || first == '\'') return quoted_end(line, pos);
  if (form == Form::yaml && (first == '|' || first == '>')) return pos;  // on the next lines
  if (form == Form::yaml && (first == '[' || first == '{')) {
    int depth = 0;
    for (std::size_t i = pos; i < line.size(); ++i) {
      if (line[i] == '"' || line[i] == '\'') {
        i = quoted_end(line, i) - 1;
      } else if (line[i] == '[' || line[i] == '{') {
        ++depth;
      } else if ((line[i] == ']' || line[i] == '}') && --depth == 0) {
        return i + 1;
      }
    }
    return line.size();
  }
  std::size_t i = pos;
  while (i < line.size()) {
    const char c = line[i];
    if (form == Form::ini && (c == '"' || c == '\'')) {
      i = quoted_end(line, i);
      continue;
    }
    if (form == Form::yaml && in_flow && (c == ',' || c == ']' || c == '}')) break;
    if (is_blank(c)) {
      std::size_t next = i;
      while (next < line.size() && is_blank(line[next])) ++next;
      if (next == line.size() || line[next] == '#') break;
      if (form == Form::ini && (line[next] == ';' || assignment_at(line, next))) break;
      i = next;
      continue;
    }
    ++i;
  }
  return i;
}

using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;

// The values of the keys of `line` that `secret` picks, from byte `from` on.
template <typename Pick>
void hide_values(std::string_view line, std::size_t from, Pick secret, Ranges& hidden) {
  for (std::size_t i = from; i < line.size();) {
    const auto form = separator_at(line, i);
    const auto key = form ? key_before(line, i) : std::nullopt;
    if (!key || !secret(*key)) {
      ++i;
      continue;
    }
    std::size_t value = i + 1;
    while (value < line.size() && is_blank(line[value])) ++value;
    if (value == line.size() || (form == Form::yaml && line[value] == '#')) {
      i = value;
      continue;
    }
    const std::size_t end = value_end(line, value, *form, flow_depth(line, i) > 0);
    if (end > value) hidden.emplace_back(value, end);
    i = std::max(end, i + 1);
  }
}

std::size_t indent_of(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

bool is_item(std::string_view line, std::size_t indent) {
  return indent < line.size() && line[indent] == '-' &&
         (indent + 1 == line.size() || is_blank(line[indent + 1]));
}

bool is_blank_or_comment(std::string_view line) {
  const std::size_t n = line.find_first_not_of(" \t");
  return n == std::string_view::npos || line[n] == '#';
}

// Where the content of a YAML line starts once its list markers ("- - ") are skipped.
std::size_t content_start(std::string_view line) {
  std::size_t i = indent_of(line);
  while (is_item(line, i)) {
    ++i;
    while (i < line.size() && is_blank(line[i])) ++i;
  }
  return i;
}

// The key a YAML line starts with (after its list markers), with where its value starts.
std::optional<std::pair<std::string_view, std::size_t>> leading_key(std::string_view line) {
  const std::size_t start = content_start(line);
  std::size_t i = start;
  if (i < line.size() && (line[i] == '[' || line[i] == '{')) return std::nullopt;  // flow value
  if (i < line.size() && (line[i] == '"' || line[i] == '\'')) i = quoted_end(line, i);
  for (; i < line.size(); ++i) {
    if (line[i] == ':' && (i + 1 == line.size() || is_blank(line[i + 1]))) {
      auto key = key_before(line, i);
      if (!key) return std::nullopt;
      return std::pair{*key, i + 1};
    }
    if (line[i] == '#' && i > start && is_blank(line[i - 1])) return std::nullopt;
  }
  return std::nullopt;
}

enum class Under { nothing, collection, text };

// What lines[index] belongs to in YAML's block layout: the value of a secret key declared on a
// less indented line above (a list or map below `key:`, or text below `key: |`).
Under under_secret_key(std::span<const std::string> lines, std::size_t index) {
  std::string_view line = lines[index];
  if (is_blank_or_comment(line)) return Under::nothing;
  std::size_t limit = indent_of(line);
  bool item = is_item(line, limit);
  for (std::size_t k = index; k-- > 0;) {
    std::string_view above = lines[k];
    if (is_blank_or_comment(above)) continue;
    const std::size_t n = indent_of(above);
    const bool above_item = is_item(above, n);
    // A parent is less indented; a list may sit at its key's own indentation.
    if (!(n < limit || (n == limit && item && !above_item))) continue;
    if (auto key = leading_key(above); key && is_secret_key(key->first)) {
      std::size_t value = key->second;
      while (value < above.size() && is_blank(above[value])) ++value;
      const bool empty = value == above.size() || above[value] == '#';
      return empty ? Under::collection : Under::text;
    }
    limit = n;
    item = above_item;
    if (limit == 0 && !item) break;
  }
  return Under::nothing;
}

Ranges merged(Ranges ranges) {
  std::sort(ranges.begin(), ranges.end());
  Ranges out;
  for (const auto& r : ranges) {
    if (!out.empty() && r.first <= out.back().second) {
      out.back().second = std::max(out.back().second, r.second);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace

void set_secret_key_rule(bool (*rule)(std::string_view key)) {
  std::lock_guard lock(registry().mutex);
  registry().rule = rule;
}

void add_secret_key(std::string name) {
  std::lock_guard lock(registry().mutex);
  auto& names = registry().names;
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
}

bool is_secret_key(std::string_view key) {
  std::lock_guard lock(registry().mutex);
  const auto& r = registry();
  return (r.rule && r.rule(key)) || std::find(r.names.begin(), r.names.end(), key) != r.names.end();
}

std::size_t EchoedLine::offset_of(std::size_t offset) const {
  std::size_t shown = offset;
  for (const auto& [begin, end] : hidden) {
    if (offset < begin) break;
    if (offset < end) return shown - (offset - begin);
    shown = shown - (end - begin) + k_marker.size();
  }
  return shown;
}

EchoedLine echoed_line(std::span<const std::string> lines, std::size_t index) {
  std::string_view line = lines[index];
  Ranges hidden;
  switch (under_secret_key(lines, index)) {
    case Under::text: {
      // Text of a secret value (a block scalar, a continued quoted value): all of it.
      const std::size_t begin = indent_of(line);
      std::size_t end = line.size();
      while (end > begin && is_blank(line[end - 1])) --end;
      if (end > begin) hidden.emplace_back(begin, end);
      break;
    }
    case Under::collection: {
      // An item or entry of a secret list or map: every value on the line.
      const std::size_t start = content_start(line);
      if (!leading_key(line) && start < line.size() && line[start] != '#') {
        const std::size_t end = value_end(line, start, Form::yaml, false);
        if (end > start) hidden.emplace_back(start, end);
      }
      hide_values(
          line, start, [](std::string_view) { return true; }, hidden);
      break;
    }
    case Under::nothing:
      hide_values(line, 0, is_secret_key, hidden);
      break;
  }
  EchoedLine out;
  out.hidden = merged(std::move(hidden));
  std::size_t at = 0;
  for (const auto& [begin, end] : out.hidden) {
    out.text.append(line.substr(at, begin - at));
    out.text.append(k_marker);
    at = end;
  }
  out.text.append(line.substr(at));
  return out;
}

}  // namespace forja
