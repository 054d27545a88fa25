#include "engine/context.hpp"

#include "util/error.hpp"
#include "util/text.hpp"
#include "util/yaml.hpp"

namespace forja {

namespace {

void merge_into(YAML::Node& target, const YAML::Node& source) {
  if (!source.IsMap()) return;
  for (const auto& kv : source) target[kv.first.Scalar()] = YAML::Clone(kv.second);
}

YAML::Node host_entry(const Playbook& book, const Host& h) {
  YAML::Node entry(YAML::NodeType::Map);
  merge_into(entry, book.vars);
  merge_into(entry, h.vars);
  merge_into(entry, book.extra_vars);
  entry["name"] = h.name;
  entry["address"] = h.connection.address;
  return entry;
}

}  // namespace

YAML::Node shared_context(const Playbook& book, const Inventory& inventory) {
  YAML::Node groups(YAML::NodeType::Map);
  for (const auto& h : inventory.hosts) {
    auto entry = host_entry(book, h);
    for (const auto& g : h.groups) {
      YAML::Node list = groups[g];
      list.push_back(entry);
    }
  }
  YAML::Node sizes(YAML::NodeType::Map);
  for (const auto& kv : groups) sizes[kv.first.Scalar()] = std::to_string(kv.second.size());
  YAML::Node shared(YAML::NodeType::Map);
  shared["groups"] = groups;
  shared["group_size"] = sizes;
  return shared;
}

YAML::Node host_context(const Playbook& book, const Host& host, const YAML::Node& facts) {
  YAML::Node ctx(YAML::NodeType::Map);
  merge_into(ctx, book.vars);
  merge_into(ctx, host.vars);
  merge_into(ctx, book.extra_vars);
  ctx["inventory_hostname"] = host.name;
  YAML::Node self(YAML::NodeType::Map);
  self["name"] = host.name;
  self["address"] = host.connection.address;
  ctx["host"] = self;
  ctx["facts"] = facts.IsDefined() ? YAML::Clone(facts) : YAML::Node(YAML::NodeType::Map);
  return ctx;
}

YAML::Node host_context(const Playbook& book, const Inventory& inventory, const Host& host,
                        const YAML::Node& facts) {
  auto ctx = host_context(book, host, facts);
  for (const auto& kv : shared_context(book, inventory)) ctx[kv.first.Scalar()] = kv.second;
  return ctx;
}

Result<std::vector<YAML::Node>> loop_list(const YAML::Node& loop, const std::string& where,
                                          const YAML::Node& context) {
  std::vector<YAML::Node> items;
  if (loop.IsSequence()) {
    for (const auto& item : loop) items.push_back(item);
    return items;
  }
  auto text = trim(loop.Scalar());
  const auto name = trim(text.substr(2, text.size() - 4));
  if (name == "facts" || name.starts_with("facts.")) {
    return bad_input(where +
                     "a loop over facts is not supported (facts may change during the "
                     "run); loop over a variable");
  }
  YAML::Node value;
  value.reset(context);  // reset, never '=': assigning would change the context's own node
  for (const auto& part : split(name, '.')) {
    auto next = lookup(value, part);
    if (!next.IsDefined()) {
      std::vector<std::string> known;
      if (value.IsMap())
        for (const auto& kv : value) known.push_back(kv.first.Scalar());
      return bad_input(where + "undefined variable '" + name + "'" + did_you_mean(part, known));
    }
    value.reset(next);
  }
  if (value.IsNull()) return items;
  if (!value.IsSequence()) {
    return bad_input(where + "'" + name + "' is " + (value.IsMap() ? "a map" : "a string") +
                     ", not a list");
  }
  for (const auto& item : value) items.push_back(item);
  return items;
}

}  // namespace forja
