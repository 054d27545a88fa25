#include "inventory/typed_value.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace forja {

YAML::Node int_node(const std::string& decimal) {
  YAML::Node n(decimal);
  n.SetTag(std::string(k_tag_int));
  return n;
}

YAML::Node float_node(double value) {
  YAML::Node n(python_float_repr(value));
  n.SetTag(std::string(k_tag_float));
  return n;
}

YAML::Node bool_node(bool value) {
  YAML::Node n(std::string(value ? "True" : "False"));
  n.SetTag(std::string(k_tag_bool));
  return n;
}

YAML::Node string_node(const std::string& text) {
  YAML::Node n(text);
  n.SetTag("!");
  return n;
}

ScalarType scalar_type(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return ScalarType::null;
  if (!node.IsScalar()) return ScalarType::string;
  const std::string& tag = node.Tag();
  if (tag == k_tag_int) return ScalarType::integer;
  if (tag == k_tag_float) return ScalarType::floating;
  if (tag == k_tag_bool) return ScalarType::boolean;
  return ScalarType::string;
}

std::string python_float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buf[64];
  // The shortest digits that read back the same, in scientific form: "d.ddde[+-]x".
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, end);
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  auto e = sci.find('e');
  std::string digits = sci.substr(0, e);
  const int exponent = std::stoi(sci.substr(e + 1));
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  if (exponent < -4 || exponent >= 16) {
    std::string mantissa = digits.substr(0, 1);
    if (digits.size() > 1) mantissa += "." + digits.substr(1);
    std::string exp = std::to_string(std::abs(exponent));
    if (exp.size() < 2) exp.insert(0, "0");
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
  }
  std::string out;
  if (exponent < 0) {
    out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  } else if (static_cast<std::size_t>(exponent) + 1 >= digits.size()) {
    out = digits + std::string(static_cast<std::size_t>(exponent) + 1 - digits.size(), '0') + ".0";
  } else {
    out = digits.substr(0, static_cast<std::size_t>(exponent) + 1) + "." +
          digits.substr(static_cast<std::size_t>(exponent) + 1);
  }
  return sign + out;
}

}  // namespace forja
