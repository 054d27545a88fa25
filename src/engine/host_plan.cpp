#include "engine/host_plan.hpp"

#include <mutex>

#include <algorithm>
#include <map>
#include <set>

#include "template/render.hpp"
#include "util/text.hpp"
#include "util/yaml.hpp"

namespace forja {

namespace {

SourceLocation at(const SourceLocation& base, const YAML::Node& node) {
  SourceLocation loc = base;
  if (node.Mark().line >= 0) {
    loc.line = node.Mark().line + 1;
    loc.column = node.Mark().column + 1 + (node.Tag() == "!" ? 1 : 0);  // "!": after the quote
  }
  return loc;
}

// A copy of node with every templated scalar rendered; errors point at the value as written.
Result<YAML::Node> render_node(const YAML::Node& node, const YAML::Node& context,
                               const SourceLocation& file, std::set<std::string>& used) {
  if (node.IsScalar()) {
    if (!has_template_tags(node.Scalar())) return YAML::Clone(node);
    auto text = render_template(node.Scalar(), context, at(file, node), &used);
    if (!text) return std::unexpected(text.error());
    return YAML::Node(*text);
  }
  if (node.IsSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& item : node) {
      auto r = render_node(item, context, file, used);
      if (!r) return r;
      out.push_back(*r);
    }
    return out;
  }
  if (node.IsMap()) {
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& kv : node) {
      auto r = render_node(kv.second, context, file, used);
      if (!r) return r;
      out[kv.first.Scalar()] = *r;
    }
    return out;
  }
  return YAML::Clone(node);
}

// The facts among the names a template looked up: "facts.hostname" -> "hostname"; the whole
// "facts" map (a section) -> "*".
std::set<std::string> facts_among(const std::set<std::string>& used) {
  std::set<std::string> out;
  for (const auto& n : used) {
    if (n == "facts") out.insert("*");
    if (n.starts_with("facts.")) out.insert(n.substr(6, n.find('.', 6) - 6));
  }
  return out;
}

// The state as written, without its `loop:` (which is not rendered: it names a list).
// Hosts build their states in parallel from the same declaration, and yaml-cpp's assignment
// merges the memory of the node assigned into the target's, writing to the declaration's own
// memory: two hosts doing it at once crashed (a looped state in site.yml on lab2 and lab3).
// Clone would lose the marks that errors point at, so the assignments take turns.
std::mutex g_shared_declarations;

YAML::Node without_loop(const StateDecl& decl) {
  if (!decl.loop.IsDefined()) return decl.node;
  std::lock_guard lock(g_shared_declarations);
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& kv : decl.node)
    if (kv.first.Scalar() != "loop") out[kv.first.Scalar()] = kv.second;
  return out;
}

Result<PlannedState> build_one(const StateDecl& decl, const YAML::Node& context, bool handler) {
  const auto* type = find_resource_type(decl.type);
  if (!type) return bad_input(decl.where.str() + ": unknown resource type '" + decl.type + "'");
  std::set<std::string> used;
  auto rendered = render_node(without_loop(decl), context, decl.where, used);
  if (!rendered) return std::unexpected(rendered.error());
  const auto name_node = (*rendered)[decl.type];
  std::string name;
  std::vector<std::string> names;
  if (name_node.IsSequence()) {
    for (const auto& n : name_node) names.push_back(n.Scalar());
    for (const auto& n : names) name += (name.empty() ? "" : ",") + n;
  } else {
    name = name_node.Scalar();
  }
  Args args(decl.type, name, *rendered, decl.where, decl.node);
  args.name_list = names;
  if (auto r = args.check(type->args, common_state_keys()); !r) return std::unexpected(r.error());
  auto resource = type->make(args, BuildContext{context, decl.base_dir, &used});
  if (!resource) return std::unexpected(resource.error());
  auto render_ids = [&](const std::vector<std::string>& raw) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (const auto& r : raw) {
      auto text = has_template_tags(r) ? render_template(r, context, decl.where, &used)
                                       : Result<std::string>(r);
      if (!text) return std::unexpected(text.error());
      out.push_back(*text);
    }
    return out;
  };
  const auto id_node = lookup(decl.node, "id");
  // A looped state's id was chosen at load: its `id:` when that tells items apart, else type[name].
  const std::string id_text = decl.loop.IsDefined() ? decl.id
                              : id_node.IsScalar()  ? id_node.Scalar()
                                                    : decl.type + "[" + name + "]";
  auto id = render_ids({id_text});
  auto require = render_ids(decl.require);
  auto notify = render_ids(decl.notify);
  auto watch = render_ids(decl.watch);
  for (auto* r : {&id, &require, &notify, &watch})
    if (!*r) return std::unexpected(r->error());
  PlannedState ps;
  ps.decl = &decl;
  ps.id = id->front();
  ps.notify = *notify;
  ps.watch = *watch;
  ps.resource = std::move(*resource);
  ps.is_handler = handler;
  ps.facts_read = facts_among(used);
  ps.timeout = std::chrono::seconds(decl.timeout);
  ps.requires_ids = *require;
  for (const char* key : {"owner", "user"})
    if (args.has(key)) ps.requires_ids.push_back("user[" + args.str(key) + "]");
  if (args.has("group")) ps.requires_ids.push_back("group[" + args.str("group") + "]");
  if (decl.type == "service") ps.requires_ids.push_back("package:" + name);
  return ps;
}

// The items a looped state has on this host: its literal list, or the list its variable holds.
Result<std::vector<YAML::Node>> loop_items(const StateDecl& decl, const YAML::Node& context) {
  return loop_list(decl.loop, at(decl.where, decl.loop).str() + ": " + decl.id + ": loop: ", context);
}

// The host's variables and a loop item as `item` (the variables shared, not copied).
YAML::Node item_context(const YAML::Node& context, const YAML::Node& item) {
  std::lock_guard lock(g_shared_declarations);  // a literal loop's item is the declaration's
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& kv : context) out[kv.first.Scalar()] = kv.second;
  out["item"] = item;
  return out;
}

// One state per item of a looped declaration.
Result<void> build_items(const StateDecl& decl, const YAML::Node& context,
                         const SharedTemplateData* shared, std::vector<PlannedState>& out) {
  auto items = loop_items(decl, context);
  if (!items) return std::unexpected(items.error());
  std::set<std::string> ids;
  for (const auto& item : *items) {
    auto ctx = item_context(context, item);
    TemplateScope scope(ctx, shared);
    auto ps = build_one(decl, ctx, false);
    if (!ps) return std::unexpected(ps.error());
    if (!ids.insert(ps->id).second) {
      return bad_input(at(decl.where, decl.loop).str() + ": " + decl.id +
                       ": two items of the loop "
                       "give the id '" +
                       ps->id + "'; each item must be a state of its own");
    }
    ps->item.reset(item);
    out.push_back(std::move(*ps));
  }
  return {};
}

// A require or watch naming a loop's `id:` stands for every item of the loop on this host.
void expand_loop_ids(HostStates& host) {
  std::map<std::string, std::vector<std::string>> loops;
  for (const auto& s : host.states)
    if (!s.decl->loop_id.empty()) loops[s.decl->loop_id].push_back(s.id);
  if (loops.empty()) return;
  auto expand = [&](std::vector<std::string>& ids) {
    std::vector<std::string> out;
    for (const auto& id : ids) {
      auto it = loops.find(id);
      if (it == loops.end()) {
        out.push_back(id);
      } else {
        out.insert(out.end(), it->second.begin(), it->second.end());
      }
    }
    ids = std::move(out);
  };
  for (auto& s : host.states) expand(s.requires_ids);
  for (auto& h : host.handlers) expand(h.watch);
}

// Every notified handler must exist for this host: a handler of a play that does not target
// the host would never run, and its notification would stay owed forever.
Result<void> check_notifications(const HostStates& host, const std::string& host_name) {
  std::set<std::string> handlers;
  for (const auto& h : host.handlers) handlers.insert(h.id);
  for (const auto& s : host.states) {
    for (const auto& n : s.notify) {
      if (!handlers.contains(n)) {
        return bad_input(s.decl->where.str() + ": " + s.id + ": notifies handler '" + n +
                         "', which no play targeting " + host_name +
                         " defines (a handler runs on the hosts of its own play)");
      }
    }
  }
  return {};
}

// No two states of a host may manage the same thing: each apply would undo the other.
Result<void> check_overlaps(const HostStates& host, const std::string& host_name) {
  std::map<std::string, const PlannedState*> owner;
  for (const auto& s : host.states) {
    for (const auto& key : s.resource->manages()) {
      auto [it, fresh] = owner.emplace(key, &s);
      if (fresh) continue;
      const auto& first = *it->second;
      return bad_input(s.decl->where.str() + ": " + s.id + ": on " + host_name + ", " + key +
                       " is already managed by " + first.id + " (" + first.decl->where.str() +
                       "); one state per thing on a host, or every apply undoes the other");
    }
  }
  return {};
}

}  // namespace

Result<PlayMembers> play_members(const Playbook& book, const Inventory& inventory,
                                 std::vector<std::string>* skipped) {
  PlayMembers members;
  for (const auto& play : book.plays) {
    std::vector<std::string> unknown;
    auto hosts = inventory.match(play.hosts, skipped ? &unknown : nullptr);
    if (!hosts) {
      return bad_input(play.where.str() + ": play '" + play.name + "': " + hosts.error().message);
    }
    // A pattern of names the inventory has that selects nothing (an empty group, an empty
    // intersection) is how an inventory says "none here": no note for it.
    if (skipped && hosts->empty() && !unknown.empty()) {
      skipped->push_back(play.where.str() + ": play '" + play.name + "' skipped, " +
                         inventory.path + " has none of its hosts: " + join(unknown, "; "));
    }
    members.emplace_back(hosts->begin(), hosts->end());
  }
  return members;
}

HostDecls select_decls(const Playbook& book, const PlayMembers& members, const Host& host,
                       const std::vector<std::string>& tags) {
  HostDecls out;
  for (std::size_t p = 0; p < book.plays.size(); ++p) {
    const auto& play = book.plays[p];
    if (!members[p].contains(&host)) continue;
    for (const auto& s : play.states) {
      bool tagged = tags.empty() || std::any_of(s.tags.begin(), s.tags.end(), [&](auto& t) {
                      return std::find(tags.begin(), tags.end(), t) != tags.end();
                    });
      if (tagged) out.states.push_back(&s);
    }
    for (const auto& h : play.handlers) out.handlers.push_back(&h);
  }
  return out;
}

Result<HostDecls> select_decls(const Playbook& book, const Inventory& inventory, const Host& host,
                               const std::vector<std::string>& tags) {
  auto members = play_members(book, inventory);
  if (!members) return std::unexpected(members.error());
  return select_decls(book, *members, host, tags);
}

Result<HostStates> build_host_states(const HostDecls& decls, const YAML::Node& context,
                                     const std::string& host_name,
                                     const SharedTemplateData* shared) {
  // A host's values share converted variables and one budget.
  TemplateScope templates(context, shared);
  HostStates host;
  for (const auto* d : decls.states) {
    if (d->loop.IsDefined()) {
      if (auto r = build_items(*d, context, shared, host.states); !r)
        return std::unexpected(r.error());
      continue;
    }
    auto ps = build_one(*d, context, false);
    if (!ps) return std::unexpected(ps.error());
    host.states.push_back(std::move(*ps));
  }
  for (const auto* d : decls.handlers) {
    auto ps = build_one(*d, context, true);
    if (!ps) return std::unexpected(ps.error());
    host.handlers.push_back(std::move(*ps));
  }
  expand_loop_ids(host);
  // Keep only requisites that name an earlier state of this host; resolve "package:NAME".
  std::set<std::string> earlier;
  for (auto& s : host.states) {
    std::vector<std::string> kept;
    for (const auto& r : s.requires_ids) {
      if (r.rfind("package:", 0) == 0) {
        auto pkg = r.substr(8);
        for (const auto& other : host.states) {
          if (&other == &s) break;
          auto names = other.resource->packages_to_install();
          if (std::find(names.begin(), names.end(), pkg) != names.end()) kept.push_back(other.id);
        }
      } else if (earlier.contains(r) && r != s.id) {
        kept.push_back(r);
      }
    }
    s.requires_ids = kept;
    earlier.insert(s.id);
  }
  if (auto r = check_notifications(host, host_name); !r) return std::unexpected(r.error());
  if (auto r = check_overlaps(host, host_name); !r) return std::unexpected(r.error());
  return host;
}

Result<PlannedState> rebuild_state(const PlannedState& state, const YAML::Node& context,
                                   const SharedTemplateData* shared) {
  TemplateScope templates(context, shared);
  if (state.item.IsDefined()) {
    auto ctx = item_context(context, state.item);
    TemplateScope scope(ctx, shared);
    auto fresh = build_one(*state.decl, ctx, state.is_handler);
    if (!fresh) return fresh;
    fresh->requires_ids = state.requires_ids;
    fresh->item.reset(state.item);
    return fresh;
  }
  auto fresh = build_one(*state.decl, context, state.is_handler);
  if (!fresh) return fresh;
  fresh->requires_ids = state.requires_ids;
  return fresh;
}

std::vector<std::string> changing_prerequisites(const HostStates& host, std::size_t index) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::vector<std::string> todo = host.states[index].requires_ids;
  while (!todo.empty()) {
    auto id = todo.back();
    todo.pop_back();
    if (!seen.insert(id).second) continue;
    for (std::size_t i = 0; i < index; ++i) {
      const auto& s = host.states[i];
      if (s.id != id) continue;
      if (s.change.kind != ChangeKind::none) out.push_back(id);
      todo.insert(todo.end(), s.requires_ids.begin(), s.requires_ids.end());
    }
  }
  return out;
}

}  // namespace forja
