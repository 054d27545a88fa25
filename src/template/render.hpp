#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <string_view>

#include "inventory/model.hpp"
#include "util/error.hpp"

namespace forja {

// Render a Mustache template (kainjow/mustache) with `context` (a YAML map of vars).
// Output is not HTML-escaped (config files, not web pages). A variable tag naming something
// absent from the context is an error at `origin` + the tag's line:column; sections
// ({{#x}}/{{^x}}) may test names that are absent.
// When `used` is given, every name the template looked up is added to it ("facts.hostname").
[[nodiscard]] Result<std::string> render_template(std::string_view text,
                                                  const YAML::Node& context,
                                                  const SourceLocation& origin,
                                                  std::set<std::string>* used = nullptr);

// True when text contains a Mustache tag and so needs rendering.
[[nodiscard]] bool has_template_tags(std::string_view text);

}  // namespace forja
