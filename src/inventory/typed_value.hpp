#pragma once

// Typed scalars in inventory variables. forja keeps every scalar a string; Ansible's inventory
// formats give values types (INI values are Python literals, YAML 1.1 resolves plain scalars).
// A typed scalar is a YAML scalar carrying one of the tags below; an untagged scalar is a
// string and a null node is None/null.

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace forja {

inline constexpr std::string_view k_tag_int = "tag:yaml.org,2002:int";
inline constexpr std::string_view k_tag_float = "tag:yaml.org,2002:float";
inline constexpr std::string_view k_tag_bool = "tag:yaml.org,2002:bool";

// An integer scalar: `decimal` is its value in decimal ("-12", any length).
[[nodiscard]] YAML::Node int_node(const std::string& decimal);
// A float scalar shown as Python's repr shows it ("1000.0", "1e+16", "inf").
[[nodiscard]] YAML::Node float_node(double value);
// A boolean scalar: its text is Python's ("True"/"False"), as an Ansible template shows it.
[[nodiscard]] YAML::Node bool_node(bool value);
// A plain string scalar.
[[nodiscard]] YAML::Node string_node(const std::string& text);

enum class ScalarType { string, integer, floating, boolean, null };

// The type a node carries (a map or list is `string` here: ask the node itself).
[[nodiscard]] ScalarType scalar_type(const YAML::Node& node);

// Python's repr of a float: the shortest text that reads back the same, in exponent form below
// 1e-4 and from 1e16 on ("1e-05", "1.5", "1e+16"), "inf", "-inf", "nan".
[[nodiscard]] std::string python_float_repr(double value);

}  // namespace forja
