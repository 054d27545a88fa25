#include "util/yaml.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <sstream>

#include "util/input_file.hpp"
#include "util/json.hpp"
#include "util/text.hpp"
#include "util/tree_budget.hpp"
#include "util/utf8.hpp"
#include "util/yaml_scan.hpp"

namespace forja {

namespace {

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "an empty value";
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  return "'" + node.Scalar() + "'";
}

// Duplicate keys are errors (YAML forbids them; yaml-cpp keeps both and lookups see the first).
// The walk expands aliases, so the budget also stops alias loops and "billion laughs": every
// later walk of this tree is bounded by what this one accepted.
Result<void> check_structure(const YamlDoc& doc, const YAML::Node& node, TreeBudget& budget,
                             int depth) {
  if (!budget.enter(depth)) return doc.error(node, budget.exceeded());
  if (node.IsMap()) {
    std::map<std::string, int> seen;  // key -> line of its first occurrence
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) return doc.error(kv.first, "a key must be a plain string");
      auto [it, fresh] = seen.emplace(kv.first.Scalar(), doc.where(kv.first).line);
      if (!fresh) {
        return doc.error(kv.first, "duplicate key '" + kv.first.Scalar() + "' (first at line " +
                                       std::to_string(it->second) + ")");
      }
      if (!budget.enter(depth + 1)) return doc.error(kv.first, budget.exceeded());
      if (auto r = check_structure(doc, kv.second, budget, depth + 1); !r) return r;
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node)
      if (auto r = check_structure(doc, item, budget, depth + 1); !r) return r;
  }
  return {};
}

// Where each document of a YAML stream starts; nothing else is built.
struct DocumentStarts : YAML::EventHandler {
  YAML::Mark last;
  void OnDocumentStart(const YAML::Mark& mark) override { last = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// The key and value of `key` in `map`; an empty value (`port:`) is blamed on its key, since
// yaml-cpp marks it where the next token starts.
std::pair<YAML::Node, YAML::Node> entry(const YAML::Node& map, std::string_view key) {
  if (map.IsMap()) {
    for (const auto& kv : map)
      if (kv.first.IsScalar() && kv.first.Scalar() == key) return {kv.first, kv.second};
  }
  return {YAML::Node(YAML::NodeType::Undefined), YAML::Node(YAML::NodeType::Undefined)};
}

}  // namespace

YamlDoc::YamlDoc(std::string path, std::string_view text, YAML::Node root)
    : m_path(std::move(path)), m_lines(split_lines(text)), m_root(std::move(root)) {}

SourceLocation YamlDoc::where(const YAML::Node& node) const {
  SourceLocation loc{m_path, 1, 1};
  if (node.IsDefined() && node.Mark().line >= 0) {
    loc.line = node.Mark().line + 1;
    loc.column = node.Mark().column + 1;
  }
  return loc;
}

std::unexpected<Error> YamlDoc::error(const YAML::Node& at, std::string_view what) const {
  return located_error(where(at), what, m_lines);
}

Result<void> YamlDoc::require_map(const YAML::Node& node, std::string_view what) const {
  if (node.IsDefined() && !node.IsNull() && !node.IsMap()) {
    return error(node,
                 std::string(what) + " must be a mapping (key: value), not " + describe(node));
  }
  return {};
}

Result<void> YamlDoc::check_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                                 std::string_view context) const {
  if (auto r = require_map(map, context); !r) return r;
  if (!map.IsMap()) return {};
  for (const auto& kv : map) {
    const auto& key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return error(kv.first, "unknown key '" + key + "' in " + std::string(context) +
                                 did_you_mean(key, allowed));
    }
  }
  return {};
}

Result<std::string> YamlDoc::as_string(const YAML::Node& value, std::string_view what) const {
  return string_at(value, value, what);
}

Result<std::string> YamlDoc::string_at(const YAML::Node& value, const YAML::Node& blame,
                                       std::string_view what) const {
  if (!value.IsScalar()) {
    return error(blame, std::string(what) + ": expected a string, got " + describe(value));
  }
  return value.Scalar();
}

Result<long long> YamlDoc::as_int(const YAML::Node& value, std::string_view what, long long min,
                                  long long max) const {
  return int_at(value, value, what, min, max);
}

Result<long long> YamlDoc::int_at(const YAML::Node& value, const YAML::Node& blame,
                                  std::string_view what, long long min, long long max) const {
  auto complain = [&] {
    return error(blame, std::string(what) + ": expected an integer " + std::to_string(min) + "-" +
                            std::to_string(max) + ", got " + describe(value));
  };
  if (!value.IsScalar()) return complain();
  const std::string& s = value.Scalar();
  long long n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n < min || n > max) {
    return complain();
  }
  return n;
}

Result<bool> YamlDoc::as_bool(const YAML::Node& value, std::string_view what) const {
  return bool_at(value, value, what);
}

Result<bool> YamlDoc::bool_at(const YAML::Node& value, const YAML::Node& blame,
                              std::string_view what) const {
  if (value.IsScalar()) {
    const std::string& s = value.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  return error(blame, std::string(what) + ": expected true or false, got " + describe(value));
}

Result<std::vector<std::string>> YamlDoc::as_string_list(const YAML::Node& value,
                                                         std::string_view what) const {
  std::vector<std::string> out;
  if (!value.IsDefined() || value.IsNull()) return out;
  if (value.IsScalar()) {
    out.push_back(value.Scalar());
    return out;
  }
  if (!value.IsSequence()) {
    return error(value, std::string(what) + ": expected a list of strings, got " + describe(value));
  }
  for (const auto& item : value) {
    if (!item.IsScalar()) {
      return error(item, std::string(what) + ": expected a list of strings, got " + describe(item) +
                             " in the list");
    }
    out.push_back(item.Scalar());
  }
  return out;
}

Result<std::optional<std::string>> YamlDoc::get_string(const YAML::Node& map,
                                                       std::string_view key) const {
  auto [k, v] = entry(map, key);
  if (!v.IsDefined()) return std::nullopt;
  auto r = string_at(v, v.IsNull() ? k : v, key);
  if (!r) return std::unexpected(r.error());
  return *r;
}

Result<std::optional<long long>> YamlDoc::get_int(const YAML::Node& map, std::string_view key,
                                                  long long min, long long max) const {
  auto [k, v] = entry(map, key);
  if (!v.IsDefined()) return std::nullopt;
  auto r = int_at(v, v.IsNull() ? k : v, key, min, max);
  if (!r) return std::unexpected(r.error());
  return *r;
}

Result<std::optional<bool>> YamlDoc::get_bool(const YAML::Node& map, std::string_view key) const {
  auto [k, v] = entry(map, key);
  if (!v.IsDefined()) return std::nullopt;
  auto r = bool_at(v, v.IsNull() ? k : v, key);
  if (!r) return std::unexpected(r.error());
  return *r;
}

Result<std::vector<std::string>> YamlDoc::get_string_list(const YAML::Node& map,
                                                          std::string_view key) const {
  return as_string_list(lookup(map, key), key);
}

Result<YamlDoc> parse_yaml(const std::string& path, std::string_view text) {
  YamlDoc doc(path, text, YAML::Node());
  if (auto bad = first_invalid_utf8(text)) {
    auto at = position_of(text, *bad);
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[*bad]));
    return located_error({path, at.line, at.column},
                         std::string("not valid UTF-8 (byte ") + byte + "); YAML files are UTF-8",
                         doc.lines());
  }
  // YAML is printable text; yaml-cpp loops forever on some inputs with a NUL byte in them.
  auto control = std::find_if(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f;
  });
  if (control != text.end()) {
    const auto offset = static_cast<std::size_t>(control - text.begin());
    auto at = position_of(text, offset);
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(*control));
    return located_error({path, at.line, at.column},
                         std::string("control character ") + byte +
                             "; YAML text is printable characters, tabs and line breaks",
                         doc.lines());
  }
  if (auto at = yaml_nesting_exceeds(text, k_max_yaml_depth)) {
    return located_error({path, at->line, at->column},
                         "nested more than " + std::to_string(k_max_yaml_depth) + " levels deep",
                         doc.lines());
  }
  auto at_mark = [&](const YAML::Mark& mark) {
    return SourceLocation{path, mark.line >= 0 ? mark.line + 1 : 1,
                          mark.column >= 0 ? mark.column + 1 : 1};
  };
  YAML::Node root;
  try {
    // Not YAML::LoadAll: on some inputs (a stray ',' or '}') yaml-cpp's parser stops making
    // progress and LoadAll collects empty documents forever. One document is loaded; a second
    // call of the parser tells whether anything follows it.
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    DocumentStarts starts;
    if (parser.HandleNextDocument(starts) && parser.HandleNextDocument(starts)) {
      return located_error(at_mark(starts.last),
                           "text after the end of the YAML document: a second document ('---'; "
                           "put everything in one) or a stray ',', ']' or '}'",
                           doc.lines());
    }
    root = YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's own guard, should the scan miss one
    return located_error(at_mark(e.mark), "nested too deeply", doc.lines());
  } catch (const YAML::Exception& e) {
    return located_error(at_mark(e.mark), "YAML syntax error: " + e.msg, doc.lines());
  }
  YamlDoc result(path, text, root);
  TreeBudget budget;
  if (auto r = check_structure(result, result.root(), budget, 0); !r)
    return std::unexpected(r.error());
  return result;
}

Result<YamlDoc> load_yaml_file(const std::string& path) {
  auto text = read_input_file(path, "file");
  if (!text) return std::unexpected(text.error());
  return parse_yaml(path, *text);
}

YAML::Node lookup(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string yaml_to_json(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "null";
  if (node.IsScalar()) return json_string(node.Scalar());
  std::string out;
  if (node.IsSequence()) {
    out = "[";
    for (const auto& item : node) out += (out.size() > 1 ? "," : "") + yaml_to_json(item);
    return out + "]";
  }
  out = "{";
  for (const auto& kv : node) {
    out += (out.size() > 1 ? "," : "") + json_string(kv.first.Scalar()) + ":" +
           yaml_to_json(kv.second);
  }
  return out + "}";
}

SourceLocation node_location(const SourceLocation& base, const YAML::Node& node) {
  SourceLocation loc = base;
  if (node.IsDefined() && node.Mark().line >= 0) {
    loc.line = node.Mark().line + 1;
    loc.column = node.Mark().column + 1;
  }
  return loc;
}

}  // namespace forja
