#include "playbook/load.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "resources/resource.hpp"
#include "template/render.hpp"
#include "util/text.hpp"
#include "util/yaml.hpp"

namespace forja {

namespace {

namespace fs = std::filesystem;

// Every file of a playbook stays loaded while it is parsed, for located errors.
using Doc = std::shared_ptr<const YamlDoc>;

Result<Doc> load_doc(const std::string& path) {
  auto doc = load_yaml_file(path);
  if (!doc) {
    auto e = doc.error();
    if (e.message.find("{{") != std::string::npos) {
      e.message += "\n(a value starting with '{{' must be quoted: \"{{ var }}\")";
    }
    return std::unexpected(e);
  }
  return std::make_shared<const YamlDoc>(std::move(*doc));
}

// The directory that paths written in `file` are relative to: its real directory, absolute,
// symlinks followed (a playbook linked from elsewhere still finds the states beside it). A bare
// name ("site.yml") is in the current directory. If that cannot be resolved, the directory as
// written, "." for a bare name.
std::string directory_of(const std::string& file) {
  std::error_code ec;
  auto real = fs::weakly_canonical(fs::absolute(file, ec), ec);
  if (!ec && !real.parent_path().empty()) return real.parent_path().string();
  auto dir = fs::path(file).parent_path();
  return dir.empty() ? "." : dir.string();
}

// Whether a template reads a loop's item: {{item}}, {{ item.name }}, {{{item}}}, {{#item}}...
bool mentions_item(std::string_view text) {
  for (auto pos = text.find("{{"); pos != std::string_view::npos; pos = text.find("{{", pos + 2)) {
    auto rest = text.substr(pos + 2);
    std::size_t i = 0;
    while (i < rest.size() && std::string_view("{&#^ ").find(rest[i]) != std::string_view::npos)
      ++i;
    rest = rest.substr(i);
    if (rest.starts_with("item") &&
        (rest.size() == 4 || rest[4] == '.' || rest[4] == '}' || rest[4] == ' '))
      return true;
  }
  return false;
}


// A state's `loop:`, checked: its shape, a name (or id) that tells the items apart, and the
// items' ids when a literal list lets the load know them.
Result<void> parse_loop(const YamlDoc& doc, const YAML::Node& node, const YAML::Node& name_node,
                        const std::string& name, bool is_handler, StateDecl& decl) {
  const auto loop = lookup(node, "loop");
  if (!loop.IsDefined()) return {};
  if (is_handler) {
    return doc.error(loop, decl.id + ": a handler runs once; 'loop' belongs on states");
  }
  if (!loop.IsSequence() && !(loop.IsScalar() && single_variable(loop.Scalar()))) {
    return doc.error(loop, decl.id +
                               ": 'loop' is a list ([a, b]) or one variable that holds a "
                               "list (\"{{admins}}\")");
  }
  const auto id_node = lookup(node, "id");
  const bool id_per_item = id_node.IsScalar() && mentions_item(id_node.Scalar());
  if (!mentions_item(name) && !id_per_item) {
    return doc.error(name_node, decl.type + ": a looped state's name must use {{item}} ('" +
                                    decl.type + ": \"{{item}}\"'), or every item is the same " +
                                    decl.type);
  }
  decl.loop.reset(loop);
  const std::string item_id = id_per_item ? id_node.Scalar() : decl.type + "[" + name + "]";
  if (id_node.IsScalar() && !id_per_item) decl.loop_id = id_node.Scalar();
  decl.id = item_id;
  if (!loop.IsSequence()) return {};
  for (const auto& item : loop) {
    YAML::Node only_item(YAML::NodeType::Map);
    only_item["item"] = YAML::Node(item);
    auto id = render_template(item_id, only_item, decl.where);
    if (!id) {  // the id reads other variables: known per host only
      decl.item_ids.clear();
      break;
    }
    decl.item_ids.push_back(*id);
  }
  return {};
}

std::vector<std::string> resource_type_names() {
  std::vector<std::string> names;
  for (const auto& t : resource_types()) names.push_back(t.name);
  return names;
}

// One state mapping -> StateDecl, with its type found and its argument names checked.
Result<StateDecl> parse_state(const YamlDoc& doc, const YAML::Node& node, bool is_handler) {
  const std::string& file = doc.path();
  if (!node.IsMap() || node.size() == 0) {
    return doc.error(node, "a state must be a mapping like '- package: haproxy'");
  }
  StateDecl decl;
  decl.node = node;
  decl.where = doc.where(node);
  decl.base_dir = directory_of(file);
  const auto& common = common_state_keys();
  const ResourceType* type = nullptr;
  for (const auto& kv : node) {
    const auto& key = kv.first.Scalar();
    if (std::find(common.begin(), common.end(), key) != common.end()) continue;
    type = find_resource_type(key);
    if (type) {
      decl.type = key;
      break;
    }
  }
  if (!type) {
    // Blame the first key that is neither common nor an argument of any type.
    YAML::Node culprit = node.begin()->first;
    for (const auto& kv : node) {
      if (std::find(common.begin(), common.end(), kv.first.Scalar()) == common.end()) {
        culprit = kv.first;
        break;
      }
    }
    return doc.error(culprit,
                    "unknown resource type '" + culprit.Scalar() + "'" +
                        did_you_mean(culprit.Scalar(), resource_type_names()) +
                        "; known types: " + [] {
                          std::string s;
                          for (const auto& n : resource_type_names()) s += (s.empty() ? "" : ", ") + n;
                          return s;
                        }());
  }
  const YAML::Node name_node = lookup(node, decl.type);
  std::string name;
  if (name_node.IsScalar()) {
    name = name_node.Scalar();
  } else if (name_node.IsSequence() && decl.type == "package") {
    for (const auto& item : name_node) {
      if (!item.IsScalar()) return doc.error(item, "package names must be strings");
      name += (name.empty() ? "" : ",") + item.Scalar();
    }
  } else {
    return doc.error(name_node, decl.type + ": the value of '" + decl.type +
                                         "' must be its name (a string)");
  }
  if (name.empty()) return doc.error(name_node, decl.type + ": empty name");
  const auto id_node = lookup(node, "id");
  decl.id = id_node.IsScalar() ? id_node.Scalar() : decl.type + "[" + name + "]";
  // Argument names are checked now; types and values once rendered for each host.
  std::vector<std::string> arg_names;
  for (const auto& a : type->args) arg_names.push_back(a.name);
  for (const auto& kv : node) {
    const auto& key = kv.first.Scalar();
    if (key == decl.type || std::find(common.begin(), common.end(), key) != common.end())
      continue;
    if (std::find(arg_names.begin(), arg_names.end(), key) == arg_names.end()) {
      auto all = arg_names;
      all.insert(all.end(), common.begin(), common.end());
      return doc.error(kv.first, decl.type + ": unknown argument '" + key + "'" +
                                          did_you_mean(key, all));
    }
  }
  for (const auto& spec : type->args) {
    if (spec.required && !lookup(node, spec.name).IsDefined()) {
      return doc.error(node, decl.id + ": missing required argument '" + spec.name + "'");
    }
  }
  if (auto r = parse_loop(doc, node, name_node, name, is_handler, decl); !r)
    return std::unexpected(r.error());
  auto require = doc.get_string_list(node, "require");
  auto notify = doc.get_string_list(node, "notify");
  auto watch = doc.get_string_list(node, "watch");
  auto tags = doc.get_string_list(node, "tags");
  for (auto* r : {&require, &notify, &watch, &tags})
    if (!*r) return std::unexpected(r->error());
  auto timeout = doc.get_int(node, "timeout", 1, 86400);
  if (!timeout) return std::unexpected(timeout.error());
  decl.timeout = static_cast<int>(timeout->value_or(0));
  decl.require = *require;
  decl.notify = *notify;
  decl.watch = *watch;
  decl.tags = *tags;
  if (!is_handler && !decl.watch.empty()) {
    return doc.error(lookup(node, "watch"), decl.id + ": 'watch' belongs on handlers; use 'notify' on a state");
  }
  return decl;
}

Result<void> parse_state_list(const YamlDoc& doc, const YAML::Node& list, bool handlers,
                              std::vector<StateDecl>& out);

// A state file: a list of states, or a map with `states:` and `handlers:`.
Result<void> load_state_file(const std::string& path, Play& play, std::vector<Doc>& docs) {
  auto doc = load_doc(path);
  if (!doc) return std::unexpected(doc.error());
  docs.push_back(*doc);
  const auto& d = **doc;
  const auto& root = d.root();
  if (root.IsSequence()) return parse_state_list(d, root, false, play.states);
  if (!root.IsMap()) {
    return d.error(root, "a state file is a list of states, or a map with 'states:' and 'handlers:'");
  }
  if (auto r = d.check_keys(root, {"states", "handlers"}, "state file"); !r) return r;
  if (auto r = parse_state_list(d, lookup(root, "states"), false, play.states); !r) return r;
  return parse_state_list(d, lookup(root, "handlers"), true, play.handlers);
}

Result<void> parse_state_list(const YamlDoc& doc, const YAML::Node& list, bool handlers,
                              std::vector<StateDecl>& out) {
  if (!list.IsDefined() || list.IsNull()) return {};
  if (!list.IsSequence()) return doc.error(list, "expected a list of states");
  for (const auto& item : list) {
    auto decl = parse_state(doc, item, handlers);
    if (!decl) return std::unexpected(decl.error());
    out.push_back(std::move(*decl));
  }
  return {};
}

Result<Play> parse_play(const YamlDoc& doc, const YAML::Node& node, std::vector<Doc>& docs) {
  const std::string& file = doc.path();
  if (!node.IsMap()) return doc.error(node, "a play must be a mapping with 'hosts:' and 'states:'");
  if (auto r = doc.check_keys(node, {"name", "hosts", "states", "handlers"}, "play"); !r)
    return std::unexpected(r.error());
  Play play;
  play.where = doc.where(node);
  const auto hosts = lookup(node, "hosts");
  if (!hosts.IsScalar()) return doc.error(node, "play needs 'hosts: PATTERN'");
  play.hosts = hosts.Scalar();
  const auto name = lookup(node, "name");
  play.name = name.IsScalar() ? name.Scalar() : play.hosts;
  const auto states = lookup(node, "states");
  if (states.IsDefined() && !states.IsSequence() && !states.IsScalar()) {
    return doc.error(states, "'states' must be a state file, or a list of files and states");
  }
  const fs::path dir = directory_of(file);
  auto include = [&](const YAML::Node& item) -> Result<void> {
    auto path = (dir / item.Scalar()).lexically_normal().string();
    std::error_code ec;  // e.g. a name too long for the file system: not found, not a throw
    if (!fs::is_regular_file(path, ec)) {
      return doc.error(item, "state file not found: " + path);
    }
    return load_state_file(path, play, docs);
  };
  if (states.IsScalar()) {
    if (auto r = include(states); !r) return std::unexpected(r.error());
  } else if (states.IsSequence()) {
    for (const auto& item : states) {
      if (item.IsScalar()) {
        if (auto r = include(item); !r) return std::unexpected(r.error());
      } else {
        auto decl = parse_state(doc, item, false);
        if (!decl) return std::unexpected(decl.error());
        play.states.push_back(std::move(*decl));
      }
    }
  }
  if (auto r = parse_state_list(doc, lookup(node, "handlers"), true, play.handlers); !r)
    return std::unexpected(r.error());
  return play;
}

// Requisites, notifications and watches must name things that exist; ids must be unique
// within a play.
Result<void> check_references(const Playbook& book) {
  // A looped state answers to its items' id template, its loop's id and its items' ids.
  auto ids_of = [](const StateDecl& s) {
    std::vector<std::string> ids{s.id};
    if (!s.loop_id.empty()) ids.push_back(s.loop_id);
    ids.insert(ids.end(), s.item_ids.begin(), s.item_ids.end());
    return ids;
  };
  std::set<std::string> state_ids, handler_ids;
  for (const auto& play : book.plays) {
    std::set<std::string> in_play;
    for (const auto& s : play.states) {
      for (const auto& id : ids_of(s)) {
        if (!in_play.insert(id).second) {
          return bad_input(s.where.str() + ": duplicate state id '" + id + "' in play '" +
                           play.name + "' (give one of them an 'id:')");
        }
        state_ids.insert(id);
      }
    }
    for (const auto& h : play.handlers) handler_ids.insert(h.id);
  }
  std::vector<std::string> all_states(state_ids.begin(), state_ids.end());
  std::vector<std::string> all_handlers(handler_ids.begin(), handler_ids.end());
  // States run top to bottom: a requisite must be declared before the state that needs it.
  std::map<std::string, SourceLocation> declared_before;
  for (const auto& play : book.plays) {
    for (const auto& s : play.states) {
      for (const auto& r : s.require) {
        if (!state_ids.contains(r))
          return bad_input(s.where.str() + ": " + s.id + ": requires unknown state '" + r + "'" +
                           did_you_mean(r, all_states));
        if (r == s.id) return bad_input(s.where.str() + ": " + s.id + ": requires itself");
        if (!declared_before.contains(r)) {
          const StateDecl* later = nullptr;
          for (const auto& p : book.plays)
            for (const auto& other : p.states)
              if (!later && other.id == r) later = &other;
          return bad_input(s.where.str() + ": " + s.id + ": requires '" + r +
                           "', which is declared after it" +
                           (later ? " (at " + later->where.str() + ")" : std::string()) +
                           "; states run top to bottom: move it above, or drop the require");
        }
      }
      for (const auto& id : ids_of(s)) declared_before.emplace(id, s.where);
      for (const auto& n : s.notify)
        if (!handler_ids.contains(n))
          return bad_input(s.where.str() + ": " + s.id + ": notifies unknown handler '" + n +
                           "'" + did_you_mean(n, all_handlers));
    }
    for (const auto& h : play.handlers)
      for (const auto& w : h.watch)
        if (!state_ids.contains(w))
          return bad_input(h.where.str() + ": " + h.id + ": watches unknown state '" + w + "'" +
                           did_you_mean(w, all_states));
  }
  return {};
}

}  // namespace

bool single_variable(const std::string& text) {
  auto t = trim(text);
  if (!t.starts_with("{{") || !t.ends_with("}}") || t.size() < 5) return false;
  auto inner = trim(t.substr(2, t.size() - 4));
  return !inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

const std::vector<std::string>& common_state_keys() {
  static const std::vector<std::string> keys = {"id",   "require", "notify", "watch",
                                                "tags", "timeout", "loop"};
  return keys;
}

Result<Playbook> load_playbook(const std::string& path) {
  std::vector<Doc> docs;
  auto loaded = load_doc(path);
  if (!loaded) return std::unexpected(loaded.error());
  docs.push_back(*loaded);
  const auto& doc = **loaded;
  const auto& root = doc.root();
  Playbook book;
  book.path = path;
  book.dir = directory_of(path);
  if (!root.IsMap()) return doc.error(root, "a playbook is a map with 'plays:' (and optional 'vars:', 'verify:')");
  if (auto r = doc.check_keys(root, {"vars", "secrets", "plays", "verify"}, "playbook"); !r)
    return std::unexpected(r.error());
  auto secrets = doc.get_string_list(root, "secrets");
  if (!secrets) return std::unexpected(secrets.error());
  book.secrets = *secrets;
  const auto vars = lookup(root, "vars");
  if (auto r = doc.require_map(vars, "'vars'"); !r) return std::unexpected(r.error());
  book.vars = vars.IsMap() ? YAML::Clone(vars) : YAML::Node(YAML::NodeType::Map);
  const auto plays = lookup(root, "plays");
  if (!plays.IsSequence() || plays.size() == 0)
    return doc.error(plays.IsDefined() ? plays : root, "the playbook needs 'plays:', a list of {hosts: PATTERN, states: FILE}");
  for (const auto& p : plays) {
    auto play = parse_play(doc, p, docs);
    if (!play) return std::unexpected(play.error());
    book.plays.push_back(std::move(*play));
  }
  const auto verify = lookup(root, "verify");
  if (verify.IsDefined() && !verify.IsNull()) {
    if (!verify.IsSequence()) return doc.error(verify, "'verify' must be a list of probes");
    for (const auto& v : verify) {
      if (!v.IsMap() || v.size() == 0) return doc.error(v, "a verify probe is a mapping like '- http: ...'");
      book.verify.push_back(VerifyDecl{v.begin()->first.Scalar(), v, doc.where(v)});
    }
  }
  if (auto r = check_references(book); !r) return std::unexpected(r.error());
  return book;
}

}  // namespace forja
