#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "inventory/model.hpp"
#include "util/error.hpp"
#include "util/limits.hpp"

namespace forja {

// How deeply sections ({{#a}}..{{/a}}) may nest in one template: real ones nest two or three,
// and the renderer recurses once per level.
inline constexpr int k_max_section_depth = 32;
// Name lookups plus section entries while rendering one template: a section over every host
// of a 10,000-host group with ten tags each is 110,000; nested sections over lists multiply.
inline constexpr std::size_t k_max_render_steps = 1'000'000 / k_limit_divisor;
// An upper estimate of one rendering's output (text of the sections entered, plus the values
// of the variables looked up): no real configuration file comes near it.
inline constexpr std::size_t k_max_template_output = 64 * 1024 * 1024 / k_limit_divisor;

// Render a Mustache template (kainjow/mustache) with `context` (a YAML map of vars).
// Output is not HTML-escaped (config files, not web pages). A variable tag naming something
// absent from the context is an error at `origin` + the tag's line:column; sections
// ({{#x}}/{{^x}}) may test names that are absent. Partials ({{>x}}) are not supported. Bounded:
// sections nested deeper than k_max_section_depth, data past the limits of util/tree_budget.hpp
// and renderings past k_max_render_steps or k_max_template_output are located errors.
// When `used` is given, every name the template looked up is added to it ("facts.hostname").
[[nodiscard]] Result<std::string> render_template(std::string_view text,
                                                  const YAML::Node& context,
                                                  const SourceLocation& origin,
                                                  std::set<std::string>* used = nullptr);

// While one lives on this thread, templates rendered with `context` (the same node) share the
// Mustache data converted from it: a big variable is converted once for all of a host's values
// and templates, not once per value, and all of it counts against one k_max_yaml_nodes budget.
// `context` must not change while the scope lives. Outside a scope each rendering converts what
// it names, under a budget of its own.
// Variables every host's templates see alike (the inventory's `groups`), converted to template
// data once per run; afterwards only read, from any thread.
class SharedTemplateData {
 public:
  // Bad input when the variables are past the limits of util/tree_budget.hpp.
  [[nodiscard]] static Result<std::shared_ptr<const SharedTemplateData>> make(const YAML::Node& vars);
  ~SharedTemplateData();

  struct Data;  // render.cpp
  [[nodiscard]] const Data& data() const { return *m_data; }

 private:
  SharedTemplateData();
  std::unique_ptr<Data> m_data;
};

class TemplateScope {
 public:
  // With `shared`, names the host's own context does not have are looked up there.
  explicit TemplateScope(const YAML::Node& context, const SharedTemplateData* shared = nullptr);
  ~TemplateScope();
  TemplateScope(const TemplateScope&) = delete;
  TemplateScope& operator=(const TemplateScope&) = delete;

  struct Data;  // render.cpp

 private:
  friend Result<std::string> render_template(std::string_view, const YAML::Node&,
                                             const SourceLocation&, std::set<std::string>*);
  std::unique_ptr<Data> m_data;
  const SharedTemplateData* m_shared;
  TemplateScope* m_outer;
};

// True when text contains a Mustache tag and so needs rendering.
[[nodiscard]] bool has_template_tags(std::string_view text);

}  // namespace forja
