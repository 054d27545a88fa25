#pragma once

// Python literals as Ansible reads INI values: `ast.literal_eval`, and the text itself where
// that fails. Pure.

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace forja {

struct PythonLiteral {
  enum class Kind {
    value,        // a literal: `node` holds it, typed (typed_value.hpp)
    text,         // not a literal: Ansible keeps the text as a string
    unsupported,  // a literal with no JSON form (complex, set, Ellipsis): Ansible fails on it
  };
  Kind kind = Kind::text;
  YAML::Node node;
  std::string why;               // for `unsupported`: what it was ("a complex number")
  bool dropped_comment = false;  // a '#' comment after the literal was ignored ("2#3" is 2)
};

// Evaluate `text` the way Python's ast.literal_eval does: strings (all quote and prefix forms,
// escapes, implicit concatenation; bytes become text), ints of any size (0x, 0o, 0b, '_'),
// floats, True/False/None, one unary sign, lists, tuples (as lists), dicts. Trailing blanks
// and a '#' comment are ignored, as Python ignores them.
[[nodiscard]] PythonLiteral eval_python_literal(std::string_view text);

}  // namespace forja
