#include "template/render.hpp"

#include <kainjow/mustache.hpp>

#include <set>

#include "util/text.hpp"

namespace forja {

namespace mus = kainjow::mustache;

namespace {

mus::data to_data(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      mus::data obj{mus::data::type::object};
      for (const auto& kv : node) obj.set(kv.first.Scalar(), to_data(kv.second));
      return obj;
    }
    case YAML::NodeType::Sequence: {
      mus::data list{mus::data::type::list};
      for (const auto& item : node) list.push_back(to_data(item));
      return list;
    }
    case YAML::NodeType::Scalar:
      return mus::data{node.Scalar()};
    default:
      return mus::data{mus::data::type::list};  // null/undefined: an empty (falsy) list
  }
}

// A context that remembers which names it could not resolve.
class RecordingContext : public mus::basic_context<std::string> {
 public:
  RecordingContext(const mus::data* root, std::set<std::string>* used)
      : m_inner(root), m_used(used) {}
  void push(const mus::data* data) override { m_inner.push(data); }
  void pop() override { m_inner.pop(); }
  const mus::data* get(const std::string& name) const override {
    const auto* found = m_inner.get(name);
    if (!found) m_missing.insert(name);
    if (m_used) m_used->insert(name);
    return found;
  }
  const mus::data* get_partial(const std::string& name) const override {
    return m_inner.get_partial(name);
  }
  [[nodiscard]] const std::set<std::string>& missing() const { return m_missing; }

 private:
  mus::context<std::string> m_inner;
  mutable std::set<std::string> m_missing;
  std::set<std::string>* m_used;
};

struct VariableTag {
  std::string name;
  int line;
  int column;
};

// Variable tags ({{x}}, {{{x}}}, {{&x}}) in source order, with positions. Default delimiters only.
std::vector<VariableTag> variable_tags(std::string_view text) {
  std::vector<VariableTag> tags;
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
      continue;
    }
    if (text[i] != '{' || text[i + 1] != '{') continue;
    std::size_t j = i + 2;
    bool triple = j < text.size() && text[j] == '{';
    if (triple) ++j;
    auto close = text.find("}}", j);
    if (close == std::string_view::npos) break;
    std::string inner = trim(text.substr(j, close - j));
    if (!inner.empty() && std::string_view("#^/!>=").find(inner[0]) == std::string_view::npos) {
      if (inner[0] == '&') inner = trim(inner.substr(1));
      tags.push_back({inner, line, static_cast<int>(i - line_start) + 1});
    }
    i = close + 1;
  }
  return tags;
}

}  // namespace

bool has_template_tags(std::string_view text) { return text.find("{{") != std::string_view::npos; }

Result<std::string> render_template(std::string_view text, const YAML::Node& context,
                                    const SourceLocation& origin, std::set<std::string>* used) {
  mus::mustache tmpl{std::string(text)};
  if (!tmpl.is_valid()) {
    return bad_input(origin.str() + ": template syntax error: " + tmpl.error_message());
  }
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  auto data = to_data(context);
  RecordingContext ctx{&data, used};
  std::string out = tmpl.render(ctx);
  if (!tmpl.is_valid()) {
    return bad_input(origin.str() + ": template error: " + tmpl.error_message());
  }
  if (!ctx.missing().empty()) {
    std::vector<std::string> known;
    if (context.IsMap())
      for (const auto& kv : context) known.push_back(kv.first.Scalar());
    for (const auto& tag : variable_tags(text)) {
      if (!ctx.missing().contains(tag.name)) continue;
      SourceLocation at = origin;
      if (at.line > 0 && tag.line == 1) {
        at.column = (at.column > 0 ? at.column : 1) + tag.column - 1;
      } else {
        at.line = (at.line > 0 ? at.line - 1 : 0) + tag.line;
        at.column = tag.column;
      }
      return bad_input(at.str() + ": undefined variable '" + tag.name + "'" +
                       did_you_mean(tag.name, known));
    }
  }
  return out;
}

}  // namespace forja
