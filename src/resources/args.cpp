#include "resources/args.hpp"

#include <algorithm>
#include <charconv>

#include "util/text.hpp"
#include "util/yaml.hpp"

namespace forja {

namespace {

const char* kind_name(ArgKind kind) {
  switch (kind) {
    case ArgKind::string: return "a string";
    case ArgKind::integer: return "an integer";
    case ArgKind::boolean: return "true or false";
    case ArgKind::string_list: return "a string or a list of strings";
    case ArgKind::map: return "a map";
    case ArgKind::mode: return "an octal mode in quotes, like '0644'";
  }
  return "?";
}

bool is_integer(const std::string& s) {
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

bool is_mode(const std::string& s) {
  if (s.size() < 3 || s.size() > 4) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '7'; });
}

}  // namespace

Args::Args(std::string type, std::string name, YAML::Node node, SourceLocation where,
           YAML::Node source)
    : m_type(std::move(type)), m_name(std::move(name)), m_node(std::move(node)),
      m_source(source.IsDefined() && source.IsMap() ? source : m_node), m_where(std::move(where)) {}

Result<void> Args::check(const std::vector<ArgSpec>& specs,
                         const std::vector<std::string>& common_keys) const {
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  for (const auto& kv : m_source) {
    const auto& key = kv.first.Scalar();
    if (key == m_type) continue;
    if (std::find(common_keys.begin(), common_keys.end(), key) != common_keys.end()) continue;
    auto it = std::find_if(specs.begin(), specs.end(), [&](auto& s) { return s.name == key; });
    if (it == specs.end()) {
      auto all = names;
      all.insert(all.end(), common_keys.begin(), common_keys.end());
      return std::unexpected(Error{node_location(m_where, kv.first).str() + ": " + m_type +
                                       ": unknown argument '" + key + "'" +
                                       did_you_mean(key, all),
                                   ExitCode::bad_input});
    }
    const auto value = lookup(m_node, key);
    bool ok = true;
    switch (it->kind) {
      case ArgKind::string: ok = value.IsScalar(); break;
      case ArgKind::integer: ok = value.IsScalar() && is_integer(value.Scalar()); break;
      case ArgKind::boolean:
        ok = value.IsScalar() && (value.Scalar() == "true" || value.Scalar() == "false");
        break;
      case ArgKind::string_list:
        ok = value.IsScalar() || value.IsSequence();
        if (value.IsSequence())
          for (const auto& item : value) ok = ok && item.IsScalar();
        break;
      case ArgKind::map: ok = value.IsMap(); break;
      case ArgKind::mode: ok = value.IsScalar() && is_mode(value.Scalar()); break;
    }
    if (!ok) {
      return std::unexpected(error(key, "'" + key + "' must be " + kind_name(it->kind)));
    }
    if (!it->choices.empty() &&
        std::find(it->choices.begin(), it->choices.end(), value.Scalar()) == it->choices.end()) {
      std::string allowed;
      for (const auto& c : it->choices) allowed += (allowed.empty() ? "" : ", ") + c;
      return std::unexpected(error(key, "'" + key + "' must be one of: " + allowed +
                                            did_you_mean(value.Scalar(), it->choices)));
    }
  }
  for (const auto& s : specs) {
    if (s.required && !has(s.name)) {
      return std::unexpected(Error{m_where.str() + ": " + m_type + "[" + m_name +
                                       "]: missing required argument '" + s.name + "'",
                                   ExitCode::bad_input});
    }
  }
  return {};
}

bool Args::has(const std::string& key) const { return lookup(m_node, key).IsDefined(); }

std::string Args::str(const std::string& key, const std::string& fallback) const {
  auto v = opt_str(key);
  return v ? *v : fallback;
}

std::optional<std::string> Args::opt_str(const std::string& key) const {
  const auto v = lookup(m_node, key);
  if (!v.IsDefined() || !v.IsScalar()) return std::nullopt;
  return v.Scalar();
}

long Args::integer(const std::string& key, long fallback) const {
  auto v = opt_str(key);
  if (!v) return fallback;
  long out = fallback;
  std::from_chars(v->data(), v->data() + v->size(), out);
  return out;
}

bool Args::boolean(const std::string& key, bool fallback) const {
  auto v = opt_str(key);
  return v ? *v == "true" : fallback;
}

std::vector<std::string> Args::list(const std::string& key) const {
  const auto v = lookup(m_node, key);
  std::vector<std::string> out;
  if (v.IsScalar()) out.push_back(v.Scalar());
  if (v.IsSequence())
    for (const auto& item : v) out.push_back(item.Scalar());
  return out;
}

std::map<std::string, std::string> Args::map(const std::string& key) const {
  std::map<std::string, std::string> out;
  const auto v = lookup(m_node, key);
  if (v.IsMap())
    for (const auto& kv : v) out[kv.first.Scalar()] = kv.second.IsScalar() ? kv.second.Scalar() : "";
  return out;
}

SourceLocation Args::where(const std::string& key) const {
  const auto v = lookup(m_source, key);
  return v.IsDefined() ? node_location(m_where, v) : m_where;
}

Error Args::error(const std::string& key, const std::string& message) const {
  return Error{where(key).str() + ": " + m_type + "[" + m_name + "]: " + message,
               ExitCode::bad_input};
}

}  // namespace forja
