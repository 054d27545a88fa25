#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"
#include "util/source_location.hpp"

namespace forja {

// A parsed YAML file plus what is needed to report errors at file:line:col with the source line.
// Strict by design: duplicate keys and non-string keys are rejected at load, scalars are never
// converted implicitly (`NO` stays the string "NO"), and the typed getters accept one spelling.
class YamlDoc {
 public:
  YamlDoc(std::string path, std::string_view text, YAML::Node root);

  [[nodiscard]] const std::string& path() const { return m_path; }
  [[nodiscard]] const YAML::Node& root() const { return m_root; }
  [[nodiscard]] const std::vector<std::string>& lines() const { return m_lines; }

  // Where a node starts (the file's start, 1:1, when yaml-cpp has no mark for it: the null root
  // of an empty file).
  [[nodiscard]] SourceLocation where(const YAML::Node& node) const;
  // bad_input "FILE:LINE:COL: what" plus the source line and a caret.
  [[nodiscard]] std::unexpected<Error> error(const YAML::Node& at, std::string_view what) const;

  // Every key of `map` must be in `allowed`; otherwise "unknown key 'k' in CONTEXT (did you
  // mean ...?)" at the key. A null node counts as an empty map; other non-maps are errors.
  [[nodiscard]] Result<void> check_keys(const YAML::Node& map,
                                        const std::vector<std::string>& allowed,
                                        std::string_view context) const;
  // A mapping (null is accepted as empty); `what` names it in the error.
  [[nodiscard]] Result<void> require_map(const YAML::Node& node, std::string_view what) const;

  // Typed conversions of one value; `what` names the field in errors ("'port'").
  [[nodiscard]] Result<std::string> as_string(const YAML::Node& value, std::string_view what) const;
  [[nodiscard]] Result<long long> as_int(const YAML::Node& value, std::string_view what,
                                         long long min, long long max) const;
  // true/True/TRUE/false/False/FALSE only (YAML 1.2); yes/no/on/off are errors.
  [[nodiscard]] Result<bool> as_bool(const YAML::Node& value, std::string_view what) const;
  // A list of strings; a single string is accepted as a list of one; null is empty.
  [[nodiscard]] Result<std::vector<std::string>> as_string_list(const YAML::Node& value,
                                                                std::string_view what) const;

  // Lookups of `key` in `map`: std::nullopt when absent, an error at the value when mistyped.
  [[nodiscard]] Result<std::optional<std::string>> get_string(const YAML::Node& map,
                                                              std::string_view key) const;
  [[nodiscard]] Result<std::optional<long long>> get_int(const YAML::Node& map,
                                                         std::string_view key, long long min,
                                                         long long max) const;
  [[nodiscard]] Result<std::optional<bool>> get_bool(const YAML::Node& map,
                                                     std::string_view key) const;
  [[nodiscard]] Result<std::vector<std::string>> get_string_list(const YAML::Node& map,
                                                                 std::string_view key) const;

 private:
  // The conversions, blaming `blame` (the key, for an empty value) in errors.
  Result<std::string> string_at(const YAML::Node& value, const YAML::Node& blame,
                                std::string_view what) const;
  Result<long long> int_at(const YAML::Node& value, const YAML::Node& blame, std::string_view what,
                           long long min, long long max) const;
  Result<bool> bool_at(const YAML::Node& value, const YAML::Node& blame,
                       std::string_view what) const;

  std::string m_path;
  std::vector<std::string> m_lines;
  YAML::Node m_root;
};

// Read and parse one YAML file: syntax errors carry file:line:col, duplicate keys (which
// yaml-cpp keeps silently) are errors, several documents are an error. An empty file gives
// a null root; the caller decides whether that is allowed. Bounded input: text that is not
// UTF-8, nests deeper than k_max_yaml_depth (checked on the text before yaml-cpp parses it) or
// holds more than k_max_yaml_nodes values once aliases are expanded is an error at the place
// where the limit was hit; so is a file larger than k_max_input_file_bytes.
[[nodiscard]] Result<YamlDoc> load_yaml_file(const std::string& path);
// The same for text already in memory (`path` is used in messages).
[[nodiscard]] Result<YamlDoc> parse_yaml(const std::string& path, std::string_view text);

// The value of `key` in a map without the insertion that non-const operator[] does.
[[nodiscard]] YAML::Node lookup(const YAML::Node& map, std::string_view key);

// A node as JSON: scalars become strings (they are untyped text), null becomes null.
[[nodiscard]] std::string yaml_to_json(const YAML::Node& node);

// Where `node` sits, in the file `base` names (base itself when yaml-cpp has no mark for it).
[[nodiscard]] SourceLocation node_location(const SourceLocation& base, const YAML::Node& node);

}  // namespace forja
