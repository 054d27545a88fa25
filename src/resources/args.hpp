#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "inventory/model.hpp"
#include "util/error.hpp"

namespace forja {

enum class ArgKind { string, integer, boolean, string_list, map, mode };

// One accepted argument of a resource type.
struct ArgSpec {
  std::string name;
  ArgKind kind = ArgKind::string;
  bool required = false;
  std::string help;
  std::vector<std::string> choices;  // allowed values for a string argument, if limited
};

// A state's arguments (already rendered with the host's variables), with typed getters whose
// errors name file:line:column. Validation against the ArgSpecs happens once, in check().
class Args {
 public:
  // `node` holds the (rendered) values; `source`, if given, is the node as written, whose
  // marks locate errors (rendering loses them).
  Args(std::string type, std::string name, YAML::Node node, SourceLocation where,
       YAML::Node source = YAML::Node());

  // Unknown keys (with did-you-mean), missing required keys, wrong types, bad choices.
  [[nodiscard]] Result<void> check(const std::vector<ArgSpec>& specs,
                                   const std::vector<std::string>& common_keys) const;

  [[nodiscard]] const std::string& type() const { return m_type; }
  // The state's name: the value of its type key ("package: haproxy" -> "haproxy").
  [[nodiscard]] const std::string& name() const { return m_name; }
  [[nodiscard]] const SourceLocation& where() const { return m_where; }
  [[nodiscard]] bool has(const std::string& key) const;
  [[nodiscard]] std::string str(const std::string& key, const std::string& fallback = "") const;
  [[nodiscard]] std::optional<std::string> opt_str(const std::string& key) const;
  [[nodiscard]] long integer(const std::string& key, long fallback) const;
  [[nodiscard]] bool boolean(const std::string& key, bool fallback) const;
  // A string or a list of strings (a single string becomes a one-element list).
  [[nodiscard]] std::vector<std::string> list(const std::string& key) const;
  [[nodiscard]] std::map<std::string, std::string> map(const std::string& key) const;
  // The location of one key's value, for errors raised after check().
  [[nodiscard]] SourceLocation where(const std::string& key) const;
  // A bad_input error at key's location: "file:line:col: type[name]: message".
  [[nodiscard]] Error error(const std::string& key, const std::string& message) const;

  // The name given as a list ("package: [a, b]"), if it was one.
  std::vector<std::string> name_list;

 private:
  std::string m_type;
  std::string m_name;
  YAML::Node m_node;
  YAML::Node m_source;
  SourceLocation m_where;
};

}  // namespace forja
