#include "template/render.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <optional>
#include <set>

#include "util/text.hpp"
#include "util/tree_budget.hpp"
#include "util/utf8.hpp"

namespace forja {

namespace mus = kainjow::mustache;

namespace {

// A variable sits at most a few levels deeper in a host's context (groups.NAME[i].var) than in
// the file that declares it, whose depth k_max_yaml_depth already bounds.
constexpr int k_max_data_depth = k_max_yaml_depth + 4;

// `node` as Mustache data, walking it (aliases expanded) under `budget`; false when over it.
bool to_data(const YAML::Node& node, TreeBudget& budget, int depth, mus::data& out) {
  if (!budget.enter(depth)) return false;
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      out = mus::data{mus::data::type::object};
      for (const auto& kv : node) {
        mus::data value;
        if (!to_data(kv.second, budget, depth + 1, value)) return false;
        out[kv.first.Scalar()] = std::move(value);
      }
      return true;
    }
    case YAML::NodeType::Sequence: {
      out = mus::data{mus::data::type::list};
      // kainjow has no mutable access to a list; its vector is ours to fill (not a const
      // object). Reserved, since kainjow's move constructor is not noexcept and a growing vector
      // would deep-copy every item it holds.
      auto& items = const_cast<mus::basic_list<std::string>&>(out.list_value());
      items.reserve(node.size());
      for (const auto& item : node) {
        mus::data value;
        if (!to_data(item, budget, depth + 1, value)) return false;
        items.push_back(std::move(value));
      }
      return true;
    }
    case YAML::NodeType::Scalar:
      out = mus::data{node.Scalar()};
      return true;
    default:
      out = mus::data{mus::data::type::list};  // null/undefined: an empty (falsy) list
      return true;
  }
}

// What a template needs to know before kainjow parses it, read the way kainjow reads tags
// (set-delimiter tags followed): the first name segment of every tag, so that only those
// variables are converted; where sections first nest too deeply or a partial appears; and the
// longest section body, for the output estimate.
struct TemplateScan {
  std::set<std::string> roots;
  std::size_t longest_section = 0;
  std::optional<std::size_t> too_deep;  // offset of the section tag past k_max_section_depth
  std::optional<std::size_t> partial;   // offset of a {{>name}} tag
};

// kainjow's rule for a set-delimiter tag's content ("=<% %>="); false where kainjow fails.
bool set_delimiters(const std::string& contents, std::string& begin, std::string& end) {
  if (contents.size() < 5 || contents.back() != '=') return false;
  const std::string inner = trim(contents.substr(1, contents.size() - 2));
  const auto space = inner.find(' ');
  if (space == std::string::npos) return false;
  const auto next = inner.find_first_not_of(' ', space + 1);
  if (next == std::string::npos) return false;
  std::string b = inner.substr(0, space), e = inner.substr(next);
  auto valid = [](const std::string& d) {
    return std::none_of(d.begin(), d.end(), [](char c) {
      return c == '=' || std::isspace(static_cast<unsigned char>(c));
    });
  };
  if (!valid(b) || !valid(e)) return false;
  begin = b;
  end = e;
  return true;
}

TemplateScan scan_template(std::string_view text) {
  TemplateScan scan;
  std::string begin = "{{", end = "}}";
  std::vector<std::size_t> open;  // body start of each open section
  std::size_t pos = 0;
  while ((pos = text.find(begin, pos)) != std::string_view::npos) {
    const std::size_t start = pos;
    std::size_t contents = start + begin.size();
    const bool braces = begin == "{{" && end == "}}";
    const bool triple =
        braces && start != text.size() - 2 && contents < text.size() && text[contents] == '{';
    const std::string closing = triple ? "}}}" : end;
    if (triple) ++contents;
    const auto close = text.find(closing, contents);
    if (close == std::string_view::npos) break;  // kainjow: unclosed tag
    const std::string tag = trim(text.substr(contents, close - contents));
    pos = close + closing.size();
    if (!tag.empty() && tag[0] == '=') {
      if (!set_delimiters(tag, begin, end)) break;  // kainjow: invalid set-delimiter tag
      continue;
    }
    std::string name = tag;
    const char kind = triple || tag.empty() ? 'v' : tag[0];
    if (kind == '#' || kind == '^' || kind == '/' || kind == '>' || kind == '&' || kind == '!')
      name = trim(tag.substr(1));
    if (kind == '!') continue;
    if (kind == '>') {
      scan.partial = start;
      return scan;
    }
    if (kind == '/') {
      if (open.empty()) break;  // kainjow: unopened section
      scan.longest_section = std::max(scan.longest_section, start - open.back());
      open.pop_back();
      continue;
    }
    if (kind == '#' || kind == '^') {
      open.push_back(pos);
      if (open.size() > static_cast<std::size_t>(k_max_section_depth)) {
        scan.too_deep = start;
        return scan;
      }
    }
    scan.roots.insert(name.substr(0, name.find('.')));
  }
  for (auto body : open) scan.longest_section = std::max(scan.longest_section, text.size() - body);
  return scan;
}

// The Mustache data of one context (a host's variables), converted one top-level variable at a
// time as templates name them, all under one budget.
class ContextData {
 public:
  explicit ContextData(const YAML::Node& context) { m_context.reset(context); }

  // Whether this is the data of `context` (the same node, not an equal one).
  [[nodiscard]] bool of(const YAML::Node& context) const { return m_context.is(context); }

  // The data with every name of `roots` converted; nullptr once over budget.
  const mus::data* with(const std::set<std::string>& roots) {
    for (const auto& kv : m_context) {
      const std::string& name = kv.first.Scalar();
      if (!roots.contains(name) || m_converted.contains(name)) continue;
      mus::data value;
      if (!to_data(kv.second, m_budget, 1, value)) return nullptr;
      m_data[name] = std::move(value);
      m_converted.insert(name);
    }
    return &m_data;
  }
  [[nodiscard]] std::string exceeded() const { return m_budget.exceeded(); }

 private:
  YAML::Node m_context;  // reset(), never '=': assigning would change the caller's node
  mus::data m_data{mus::data::type::object};
  std::set<std::string> m_converted;
  TreeBudget m_budget{k_max_yaml_nodes, k_max_data_depth};
};

// The innermost TemplateScope of this thread, if any.
thread_local TemplateScope* t_scope = nullptr;

// Thrown from inside kainjow's renderer when a rendering passes its limits.
struct RenderLimit {
  std::string what;
};

// A context that remembers which names it could not resolve.
// It also counts the work: every lookup and section entry is a step, and the output estimate
// grows by the longest section body per entry and by each string value looked up.
class RecordingContext : public mus::basic_context<std::string> {
 public:
  // `shared` (may be null) is searched after `root`.
  RecordingContext(const mus::data* root, const mus::data* shared, std::size_t section_text,
                   std::set<std::string>* used)
      : m_inner(shared ? shared : root), m_section_text(section_text), m_used(used) {
    if (shared) m_inner.push(root);
  }
  void push(const mus::data* data) override {
    count(m_section_text);
    m_inner.push(data);
  }
  void pop() override { m_inner.pop(); }
  const mus::data* get(const std::string& name) const override {
    const auto* found = m_inner.get(name);
    if (!found) m_missing.insert(name);
    if (m_used) m_used->insert(name);
    count(found && found->is_string() ? found->string_value().size() : 0);
    return found;
  }
  const mus::data* get_partial(const std::string&) const override { return nullptr; }
  [[nodiscard]] const std::set<std::string>& missing() const { return m_missing; }
  // What `name` stands for outside every section, without counting or recording the lookup.
  [[nodiscard]] const mus::data* peek(const std::string& name) const { return m_inner.get(name); }

 private:
  void count(std::size_t output) const {
    if (++m_steps > k_max_render_steps) {
      throw RenderLimit{"more than " + std::to_string(k_max_render_steps) +
                        " lookups and section entries while rendering"};
    }
    m_output += output;
    if (m_output > k_max_template_output) {
      throw RenderLimit{"the output would pass " + std::to_string(k_max_template_output) +
                        " bytes"};
    }
  }

  mus::context<std::string> m_inner;
  std::size_t m_section_text;
  mutable std::set<std::string> m_missing;
  std::set<std::string>* m_used;
  mutable std::size_t m_steps = 0;
  mutable std::size_t m_output = 0;
};

struct VariableTag {
  std::string name;
  int line;
  int column;
  bool in_section;  // inside {{#x}}..{{/x}} or {{^x}}..{{/x}}
};

// Variable tags ({{x}}, {{{x}}}, {{&x}}) in source order, with positions. Default delimiters only.
std::vector<VariableTag> variable_tags(std::string_view text) {
  std::vector<VariableTag> tags;
  int depth = 0;
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
    if (!inner.empty() && (inner[0] == '#' || inner[0] == '^')) ++depth;
    if (!inner.empty() && inner[0] == '/' && depth > 0) --depth;
    if (!inner.empty() && std::string_view("#^/!>=").find(inner[0]) == std::string_view::npos) {
      if (inner[0] == '&') inner = trim(inner.substr(1));
      tags.push_back({inner, line, static_cast<int>(i - line_start) + 1, depth > 0});
    }
    i = close + 1;
  }
  return tags;
}

// A position inside the template, as a place in the file that holds it: a template that is a
// whole file starts at its line 1; one written as a YAML value starts at that value's column.
SourceLocation locate(const SourceLocation& origin, TextPosition p) {
  SourceLocation at = origin;
  if (at.line > 0 && p.line == 1) {
    at.column = (at.column > 0 ? at.column : 1) + p.column - 1;
  } else {
    at.line = (at.line > 0 ? at.line - 1 : 0) + p.line;
    at.column = p.column;
  }
  return at;
}

}  // namespace

struct TemplateScope::Data : ContextData {
  using ContextData::ContextData;
};

struct SharedTemplateData::Data {
  mus::data data{mus::data::type::object};
};

SharedTemplateData::SharedTemplateData() : m_data(std::make_unique<Data>()) {}
SharedTemplateData::~SharedTemplateData() = default;

Result<std::shared_ptr<const SharedTemplateData>> SharedTemplateData::make(const YAML::Node& vars) {
  std::shared_ptr<SharedTemplateData> shared(new SharedTemplateData());
  TreeBudget budget(k_max_yaml_nodes, k_max_data_depth);
  if (vars.IsMap() && !to_data(vars, budget, 0, shared->m_data->data)) {
    return bad_input("the variables every host shares (groups) are " + budget.exceeded());
  }
  return shared;
}

TemplateScope::TemplateScope(const YAML::Node& context, const SharedTemplateData* shared)
    : m_data(std::make_unique<Data>(context)), m_shared(shared), m_outer(t_scope) {
  t_scope = this;
}

TemplateScope::~TemplateScope() { t_scope = m_outer; }

bool has_template_tags(std::string_view text) { return text.find("{{") != std::string_view::npos; }

Result<std::string> render_template(std::string_view text, const YAML::Node& context,
                                    const SourceLocation& origin, std::set<std::string>* used) {
  const auto scan = scan_template(text);
  if (scan.too_deep) {
    return bad_input(locate(origin, position_of(text, *scan.too_deep)).str() +
                     ": sections nested more than " + std::to_string(k_max_section_depth) +
                     " levels deep");
  }
  if (scan.partial) {
    return bad_input(locate(origin, position_of(text, *scan.partial)).str() +
                     ": partials ({{>name}}) are not supported");
  }
  mus::mustache tmpl{std::string(text)};
  if (!tmpl.is_valid()) {
    return bad_input(origin.str() + ": template syntax error: " + tmpl.error_message());
  }
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  mus::data whole;  // a context that is not a map (no variables) is converted as it is
  const mus::data* data = &whole;
  std::optional<ContextData> own;  // outside a scope for this context: for this rendering only
  if (context.IsMap()) {
    const bool scoped = t_scope && t_scope->m_data->of(context);
    ContextData& converted = scoped ? *t_scope->m_data : own.emplace(context);
    data = converted.with(scan.roots);
    if (!data) {
      return bad_input(origin.str() + ": the variables " +
                       (scoped ? "this host's templates use are " : "this template uses are ") +
                       converted.exceeded());
    }
  } else if (TreeBudget budget(k_max_yaml_nodes, k_max_data_depth);
             !to_data(context, budget, 0, whole)) {
    return bad_input(origin.str() + ": the template's data is " + budget.exceeded());
  }
  const mus::data* shared = t_scope && t_scope->m_data->of(context) && t_scope->m_shared
                               ? &t_scope->m_shared->data().data
                               : nullptr;
  RecordingContext ctx{data, shared, scan.longest_section, used};
  std::string out;
  try {
    out = tmpl.render(ctx);
  } catch (const RenderLimit& limit) {
    return bad_input(origin.str() + ": template rendering stopped: " + limit.what);
  } catch (const std::exception& e) {
    return bad_input(origin.str() + ": template error: " + e.what());
  }
  if (!tmpl.is_valid()) {
    return bad_input(origin.str() + ": template error: " + tmpl.error_message());
  }
  // A list or a map in a variable tag renders as nothing: never what was meant.
  for (const auto& tag : variable_tags(text)) {
    if (tag.in_section) continue;
    const auto* value = ctx.peek(tag.name);
    // (YAML's null converts to an empty list: it renders as nothing, as written.)
    if (!value || value->is_empty_list() || (!value->is_list() && !value->is_object())) continue;
    const std::string kind = value->is_list() ? "a list" : "a map";
    const std::string instead = value->is_list()
                                    ? "loop over it (loop: \"{{" + tag.name + "}}\" with {{item}})"
                                    : "name one of its values ({{" + tag.name + ".KEY}})";
    return bad_input(locate(origin, {tag.line, tag.column}).str() + ": '" + tag.name + "' is " +
                     kind + ", which renders as nothing where text belongs; " + instead +
                     ", or walk it in a section ({{#" + tag.name + "}}...{{/" + tag.name + "}})");
  }
  if (!ctx.missing().empty()) {
    std::vector<std::string> known;
    if (context.IsMap())
      for (const auto& kv : context) known.push_back(kv.first.Scalar());
    for (const auto& tag : variable_tags(text)) {
      if (!ctx.missing().contains(tag.name)) continue;
      return bad_input(locate(origin, {tag.line, tag.column}).str() + ": undefined variable '" +
                       tag.name + "'" + did_you_mean(tag.name, known));
    }
  }
  return out;
}

}  // namespace forja
