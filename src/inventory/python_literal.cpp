#include "inventory/python_literal.hpp"

#include <cmath>
#include <cstdlib>
#include <optional>
#include <vector>

#include "inventory/typed_value.hpp"
#include "util/utf8.hpp"

namespace forja {

namespace {

// Python refuses more nested brackets than this (a SyntaxError, so the text stays a string).
constexpr int k_max_nesting = 200;
// Python refuses to read an int of more decimal digits than this (int_max_str_digits).
constexpr std::size_t k_max_int_digits = 4300;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Digits (most significant first) of a number in `base`, as decimal text.
std::string to_decimal(const std::string& digits, int base) {
  std::vector<int> dec{0};  // least significant first
  for (char c : digits) {
    int carry = hex_value(c);
    for (auto& d : dec) {
      int v = d * base + carry;
      d = v % 10;
      carry = v / 10;
    }
    while (carry) {
      dec.push_back(carry % 10);
      carry /= 10;
    }
  }
  std::string out;
  for (auto it = dec.rbegin(); it != dec.rend(); ++it) out += static_cast<char>('0' + *it);
  return out;
}

enum class Type { integer, floating, complex, string, bytes, boolean, none, list, dict, other };

struct Value {
  Type type = Type::other;
  YAML::Node node;
  std::string key_text;  // how the value reads as a JSON object key
  bool parenthesized_tuple = false;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : m_s(text) {}

  PythonLiteral run() {
    PythonLiteral out;
    auto v = top();
    if (!v || m_failed) return out;  // text
    if (!m_unsupported.empty()) {
      out.kind = PythonLiteral::Kind::unsupported;
      out.why = m_unsupported;
      return out;
    }
    out.kind = PythonLiteral::Kind::value;
    out.node = v->node;
    out.dropped_comment = m_glued_comment;
    return out;
  }

 private:
  bool at_end() const { return m_i >= m_s.size(); }
  char peek(std::size_t ahead = 0) const {
    return m_i + ahead < m_s.size() ? m_s[m_i + ahead] : '\0';
  }
  std::nullopt_t fail() {
    m_failed = true;
    return std::nullopt;
  }
  void unsupported(const char* what) {
    if (m_unsupported.empty()) m_unsupported = what;
  }

  void skip_ws() {
    while (!at_end()) {
      char c = m_s[m_i];
      if (c == ' ' || c == '\t' || c == '\f') {
        ++m_i;
      } else if (c == '#') {
        if (m_i > 0 && m_s[m_i - 1] != ' ' && m_s[m_i - 1] != '\t') m_glued_comment = true;
        m_i = m_s.size();
      } else {
        break;
      }
    }
  }

  std::optional<Value> top() {
    skip_ws();
    if (at_end()) return fail();
    auto first = test();
    if (!first) return fail();
    skip_ws();
    if (peek() == ',') {
      Value tuple{Type::list, YAML::Node(YAML::NodeType::Sequence), "", false};
      tuple.node.push_back(first->node);
      while (peek() == ',') {
        ++m_i;
        skip_ws();
        if (at_end()) break;
        auto item = test();
        if (!item) return fail();
        tuple.node.push_back(item->node);
        skip_ws();
      }
      first = tuple;
      unsupported_key_check_tuple(*first);
    }
    skip_ws();
    if (!at_end()) return fail();
    return first;
  }

  void unsupported_key_check_tuple(Value& v) { v.key_text.clear(); }

  static bool numeric(Type t) { return t == Type::integer || t == Type::floating; }

  // A value with an optional unary sign, and the `number + imaginary` form.
  std::optional<Value> test() {
    skip_ws();
    char sign = 0;
    if (peek() == '+' || peek() == '-') {
      sign = peek();
      ++m_i;
      skip_ws();
    }
    auto v = atom();
    if (!v) return fail();
    if (sign) {
      if (!numeric(v->type) && v->type != Type::complex) return fail();  // ValueError: text
      if (sign == '-') negate(*v);
    }
    skip_ws();
    if ((peek() == '+' || peek() == '-') && (numeric(v->type) || v->type == Type::complex)) {
      ++m_i;
      skip_ws();
      auto right = atom();
      if (!right) return fail();
      if (right->type == Type::complex && numeric(v->type)) {
        unsupported("a complex number");
        return Value{Type::complex, YAML::Node(), "", false};
      }
      return fail();
    }
    return v;
  }

  void negate(Value& v) {
    if (v.type == Type::integer) {
      std::string t = v.node.Scalar();
      t = t[0] == '-' ? t.substr(1) : (t == "0" ? t : "-" + t);
      v.node = int_node(t);
      v.key_text = t;
    } else if (v.type == Type::floating) {
      double d = -std::strtod(v.node.Scalar() == "inf" ? "inf" : v.node.Scalar().c_str(), nullptr);
      v.node = float_node(d);
      v.key_text = python_float_repr(d);
    }
  }

  std::optional<Value> atom() {
    skip_ws();
    if (at_end()) return fail();
    char c = peek();
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return number();
    if (c == '.' && peek(1) == '.' && peek(2) == '.') {
      m_i += 3;
      unsupported("Ellipsis (...)");
      return Value{Type::other, YAML::Node(), "", false};
    }
    if (c == '\'' || c == '"') return strings();
    if (is_ident(c)) {
      // A string prefix directly followed by a quote, or a name.
      std::size_t j = m_i;
      while (j < m_s.size() && is_ident(m_s[j])) ++j;
      std::string_view word = m_s.substr(m_i, j - m_i);
      if (j < m_s.size() && (m_s[j] == '\'' || m_s[j] == '"') && word.size() <= 2) return strings();
      m_i = j;
      if (word == "True" || word == "False") {
        return Value{Type::boolean, bool_node(word == "True"), word == "True" ? "true" : "false",
                     false};
      }
      if (word == "None") return Value{Type::none, YAML::Node(YAML::NodeType::Null), "null", false};
      skip_ws();
      if (word == "set" && peek() == '(') {
        ++m_i;
        skip_ws();
        if (peek() != ')') return fail();
        ++m_i;
        unsupported("a set");
        return Value{Type::other, YAML::Node(), "", false};
      }
      return fail();  // any other name is not a literal: ValueError, the text stays
    }
    if (c == '[' || c == '(' || c == '{') {
      if (++m_depth >= k_max_nesting) return fail();
      auto v = c == '[' ? list() : c == '(' ? paren() : brace();
      --m_depth;
      return v;
    }
    return fail();
  }

  // Items up to `close`, separated by ',' (a trailing ',' allowed). `saw_comma` reports one.
  std::optional<std::vector<Value>> items(char close, bool& saw_comma) {
    std::vector<Value> out;
    saw_comma = false;
    skip_ws();
    while (peek() != close) {
      if (at_end()) return fail();
      auto v = test();
      if (!v) return fail();
      out.push_back(*v);
      skip_ws();
      if (peek() == ',') {
        saw_comma = true;
        ++m_i;
        skip_ws();
      } else if (peek() != close) {
        return fail();
      }
    }
    ++m_i;
    return out;
  }

  std::optional<Value> list() {
    ++m_i;
    bool comma = false;
    auto xs = items(']', comma);
    if (!xs) return fail();
    Value v{Type::list, YAML::Node(YAML::NodeType::Sequence), "", false};
    for (auto& x : *xs) v.node.push_back(x.node);
    return v;
  }

  std::optional<Value> paren() {
    ++m_i;
    bool comma = false;
    auto xs = items(')', comma);
    if (!xs) return fail();
    if (xs->size() == 1 && !comma) return xs->front();  // (x) is x
    Value v{Type::list, YAML::Node(YAML::NodeType::Sequence), "", true};
    for (auto& x : *xs) v.node.push_back(x.node);
    return v;
  }

  std::optional<Value> brace() {
    ++m_i;
    skip_ws();
    Value dict{Type::dict, YAML::Node(YAML::NodeType::Map), "", false};
    if (peek() == '}') {
      ++m_i;
      return dict;
    }
    auto first = test();
    if (!first) return fail();
    skip_ws();
    if (peek() != ':') {  // a set: {1, 2}
      bool comma = false;
      if (peek() == ',') {
        ++m_i;
        auto rest = items('}', comma);
        if (!rest) return fail();
      } else if (peek() == '}') {
        ++m_i;
      } else {
        return fail();
      }
      unsupported("a set");
      return Value{Type::other, YAML::Node(), "", false};
    }
    std::optional<Value> key = first;
    while (true) {
      ++m_i;  // ':'
      auto value = test();
      if (!value) return fail();
      if (key->type == Type::list || key->type == Type::dict || key->type == Type::other) {
        unsupported(key->type == Type::list && key->parenthesized_tuple ? "a dict with a tuple key"
                                                                        : "a dict with an "
                                                                          "unhashable key");
      } else {
        std::string k = key->type == Type::string ? key->node.Scalar() : key->key_text;
        dict.node[k] = value->node;
      }
      skip_ws();
      if (peek() == ',') {
        ++m_i;
        skip_ws();
      } else if (peek() != '}') {
        return fail();
      }
      if (peek() == '}') {
        ++m_i;
        return dict;
      }
      key = test();
      if (!key) return fail();
      skip_ws();
      if (peek() != ':') return fail();
    }
  }

  // digit ('_'? digit)*, appended to `out` without the underscores; false when malformed.
  bool digit_part(std::string& out, bool (*ok)(char)) {
    if (!ok(peek())) return false;
    while (true) {
      out += peek();
      ++m_i;
      if (peek() == '_' && ok(peek(1))) {
        ++m_i;
      } else if (!ok(peek())) {
        return true;
      }
    }
  }

  std::optional<Value> number() {
    auto is_hex = [](char c) { return hex_value(c) >= 0; };
    auto is_oct = [](char c) { return c >= '0' && c <= '7'; };
    auto is_bin = [](char c) { return c == '0' || c == '1'; };
    auto is_dec = [](char c) { return is_digit(c); };
    auto after = [&]() -> bool {  // nothing may touch a number: "1.2.3", "1abc"
      return !(is_ident(peek()) || peek() == '.');
    };
    if (peek() == '0' && std::string_view("xXoObB").find(peek(1)) != std::string_view::npos &&
        peek(1) != '\0') {
      char base_char = static_cast<char>(std::tolower(static_cast<unsigned char>(peek(1))));
      m_i += 2;
      if (peek() == '_') ++m_i;
      std::string digits;
      bool (*ok)(char) = base_char == 'x' ? +is_hex : base_char == 'o' ? +is_oct : +is_bin;
      if (!digit_part(digits, ok) || !after()) return fail();
      std::string dec = to_decimal(digits, base_char == 'x' ? 16 : base_char == 'o' ? 8 : 2);
      if (dec.size() > k_max_int_digits) unsupported("an integer too long to print");
      return Value{Type::integer, int_node(dec), dec, false};
    }
    std::string whole, frac, exp;
    bool is_float = false;
    if (is_digit(peek()) && !digit_part(whole, +is_dec)) return fail();
    if (peek() == '.') {
      is_float = true;
      ++m_i;
      if (is_digit(peek()) && !digit_part(frac, +is_dec)) return fail();
      if (whole.empty() && frac.empty()) return fail();
    }
    if ((peek() == 'e' || peek() == 'E') &&
        (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
      is_float = true;
      ++m_i;
      if (peek() == '+' || peek() == '-') exp += peek(), ++m_i;
      if (!digit_part(exp, +is_dec)) return fail();
    }
    if (peek() == 'j' || peek() == 'J') {
      ++m_i;
      if (!after()) return fail();
      unsupported("a complex number");
      return Value{Type::complex, YAML::Node(), "", false};
    }
    if (!after()) return fail();
    if (is_float) {
      std::string text = (whole.empty() ? "0" : whole) + "." + (frac.empty() ? "0" : frac) +
                         (exp.empty() ? "" : "e" + exp);
      double d = std::strtod(text.c_str(), nullptr);
      return Value{Type::floating, float_node(d), python_float_repr(d), false};
    }
    // "07" is a SyntaxError; "00" is 0.
    if (whole.size() > 1 && whole[0] == '0') {
      if (whole.find_first_not_of('0') != std::string::npos) return fail();
      whole = "0";
    }
    if (whole.size() > k_max_int_digits) return fail();  // ValueError: the text stays
    return Value{Type::integer, int_node(whole), whole, false};
  }

  // One or more adjacent string literals (concatenated), all text or all bytes.
  std::optional<Value> strings() {
    std::string out;
    std::optional<bool> bytes;
    while (true) {
      bool is_bytes = false;
      auto piece = one_string(is_bytes);
      if (!piece) return fail();
      if (bytes && *bytes != is_bytes) return fail();  // "a" b"b" is a SyntaxError
      bytes = is_bytes;
      out += *piece;
      skip_ws();
      std::size_t j = m_i;
      while (j < m_s.size() && j - m_i < 2 && is_ident(m_s[j])) ++j;
      if (j >= m_s.size() || (m_s[j] != '\'' && m_s[j] != '"')) break;
    }
    if (*bytes && first_invalid_utf8(out)) unsupported("bytes that are not UTF-8");
    return Value{Type::string, YAML::Node(out), out, false};
  }

  std::optional<std::string> one_string(bool& is_bytes) {
    bool raw = false;
    while (is_ident(peek())) {
      char p = static_cast<char>(std::tolower(static_cast<unsigned char>(peek())));
      if (p == 'r' && !raw) {
        raw = true;
      } else if (p == 'b' && !is_bytes) {
        is_bytes = true;
      } else if (p == 'u' && !raw && !is_bytes) {
      } else {
        return fail();  // f-strings and unknown prefixes are not literals
      }
      ++m_i;
    }
    const char quote = peek();
    if (quote != '\'' && quote != '"') return fail();
    const bool triple = peek(1) == quote && peek(2) == quote;
    m_i += triple ? 3 : 1;
    std::string out;
    while (true) {
      if (at_end()) return fail();
      char c = peek();
      if (c == quote && (!triple || (peek(1) == quote && peek(2) == quote))) {
        m_i += triple ? 3 : 1;
        return out;
      }
      if (is_bytes && static_cast<unsigned char>(c) >= 0x80) return fail();
      if (c != '\\') {
        out += c;
        ++m_i;
        continue;
      }
      char e = peek(1);
      if (e == '\0') return fail();
      if (raw) {
        out += c;
        out += e;
        m_i += 2;
        continue;
      }
      m_i += 2;
      switch (e) {
        case '\\':
          out += '\\';
          break;
        case '\'':
          out += '\'';
          break;
        case '"':
          out += '"';
          break;
        case 'a':
          out += '\a';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'v':
          out += '\v';
          break;
        case 'x': {
          int hi = hex_value(peek()), lo = hex_value(peek(1));
          if (hi < 0 || lo < 0) return fail();
          m_i += 2;
          unsigned long cp = static_cast<unsigned long>(hi * 16 + lo);
          if (is_bytes) {
            out += static_cast<char>(cp);
          } else {
            append_utf8(out, cp);
          }
          break;
        }
        case 'u':
        case 'U': {
          if (is_bytes) {
            out += '\\';
            out += e;
            break;
          }
          const int n = e == 'u' ? 4 : 8;
          unsigned long cp = 0;
          for (int k = 0; k < n; ++k) {
            int h = hex_value(peek());
            if (h < 0) return fail();
            cp = cp * 16 + static_cast<unsigned long>(h);
            ++m_i;
          }
          if (cp > 0x10FFFF) return fail();
          if (cp >= 0xD800 && cp <= 0xDFFF) unsupported("a lone surrogate in a string");
          append_utf8(out, cp);
          break;
        }
        case 'N':
          if (is_bytes) {
            out += "\\N";
            break;
          }
          unsupported("a \\N{...} escape (forja knows no Unicode names)");
          while (!at_end() && peek() != '}') ++m_i;
          if (at_end()) return fail();
          ++m_i;
          break;
        default:
          if (e >= '0' && e <= '7') {
            unsigned long cp = static_cast<unsigned long>(e - '0');
            for (int k = 0; k < 2 && peek() >= '0' && peek() <= '7'; ++k, ++m_i)
              cp = cp * 8 + static_cast<unsigned long>(peek() - '0');
            if (is_bytes) {
              if (cp > 0xFF) return fail();
              out += static_cast<char>(cp);
            } else {
              append_utf8(out, cp);
            }
          } else {
            out += '\\';
            out += e;
          }
      }
    }
  }

  std::string_view m_s;
  std::size_t m_i = 0;
  int m_depth = 0;
  bool m_failed = false;
  bool m_glued_comment = false;
  std::string m_unsupported;
};

}  // namespace

PythonLiteral eval_python_literal(std::string_view text) { return Parser(text).run(); }

}  // namespace forja
