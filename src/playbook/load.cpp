#include "playbook/load.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "resources/resource.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

namespace fs = std::filesystem;

SourceLocation at(const std::string& file, const YAML::Node& node) {
  SourceLocation loc{file, 0, 0};
  if (node.IsDefined() && node.Mark().line >= 0) {
    loc.line = node.Mark().line + 1;
    loc.column = node.Mark().column + 1;
  }
  return loc;
}

std::unexpected<Error> error_at(const std::string& file, const YAML::Node& node,
                                const std::string& message) {
  return bad_input(at(file, node).str() + ": " + message);
}

// Duplicate keys are errors (YAML says so; yaml-cpp keeps both and lookups see the first).
Result<void> check_duplicates(const std::string& file, const YAML::Node& node) {
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& kv : node) {
      if (!seen.insert(kv.first.Scalar()).second) {
        return error_at(file, kv.first, "duplicate key '" + kv.first.Scalar() + "'");
      }
      if (auto r = check_duplicates(file, kv.second); !r) return r;
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node)
      if (auto r = check_duplicates(file, item); !r) return r;
  }
  return {};
}

Result<YAML::Node> load_yaml(const std::string& path) {
  std::ifstream in(path);
  if (!in) return bad_input(path + ": cannot read file");
  std::stringstream ss;
  ss << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(ss.str());
  } catch (const YAML::Exception& e) {
    std::string hint;
    if (e.msg.find("map") != std::string::npos || e.msg.find("flow") != std::string::npos) {
      hint = " (a value starting with '{{' must be quoted: \"{{ var }}\")";
    }
    return bad_input(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                     std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg + hint);
  }
  if (auto r = check_duplicates(path, root); !r) return std::unexpected(r.error());
  return root;
}

Result<void> check_keys(const std::string& file, const YAML::Node& map,
                        const std::vector<std::string>& allowed, const std::string& what) {
  for (const auto& kv : map) {
    const auto& key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return error_at(file, kv.first,
                      "unknown key '" + key + "' in " + what + did_you_mean(key, allowed));
    }
  }
  return {};
}

Result<std::vector<std::string>> string_list(const std::string& file, const YAML::Node& node,
                                             const std::string& key) {
  std::vector<std::string> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) {
    return error_at(file, node, "'" + key + "' must be a string or a list of strings");
  }
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      return error_at(file, item, "'" + key + "' must be a string or a list of strings");
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::vector<std::string> resource_type_names() {
  std::vector<std::string> names;
  for (const auto& t : resource_types()) names.push_back(t.name);
  return names;
}

// One state mapping -> StateDecl, with its type found and its argument names checked.
Result<StateDecl> parse_state(const std::string& file, const YAML::Node& node,
                              bool is_handler) {
  if (!node.IsMap()) {
    return error_at(file, node, "a state must be a mapping like '- package: haproxy'");
  }
  StateDecl decl;
  decl.node = node;
  decl.where = at(file, node);
  decl.base_dir = fs::path(file).parent_path().string();
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
    return error_at(file, culprit,
                    "unknown resource type '" + culprit.Scalar() + "'" +
                        did_you_mean(culprit.Scalar(), resource_type_names()) +
                        "; known types: " + [] {
                          std::string s;
                          for (const auto& n : resource_type_names()) s += (s.empty() ? "" : ", ") + n;
                          return s;
                        }());
  }
  const YAML::Node name_node = node[decl.type];
  std::string name;
  if (name_node.IsScalar()) {
    name = name_node.Scalar();
  } else if (name_node.IsSequence() && decl.type == "package") {
    for (const auto& item : name_node) {
      if (!item.IsScalar()) return error_at(file, item, "package names must be strings");
      name += (name.empty() ? "" : ",") + item.Scalar();
    }
  } else {
    return error_at(file, name_node, decl.type + ": the value of '" + decl.type +
                                         "' must be its name (a string)");
  }
  if (name.empty()) return error_at(file, name_node, decl.type + ": empty name");
  decl.id = node["id"].IsDefined() ? node["id"].Scalar() : decl.type + "[" + name + "]";
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
      return error_at(file, kv.first, decl.type + ": unknown argument '" + key + "'" +
                                          did_you_mean(key, all));
    }
  }
  for (const auto& spec : type->args) {
    if (spec.required && !node[spec.name].IsDefined()) {
      return error_at(file, node, decl.id + ": missing required argument '" + spec.name + "'");
    }
  }
  auto require = string_list(file, node["require"], "require");
  auto notify = string_list(file, node["notify"], "notify");
  auto watch = string_list(file, node["watch"], "watch");
  auto tags = string_list(file, node["tags"], "tags");
  for (auto* r : {&require, &notify, &watch, &tags})
    if (!*r) return std::unexpected(r->error());
  decl.require = *require;
  decl.notify = *notify;
  decl.watch = *watch;
  decl.tags = *tags;
  if (!is_handler && !decl.watch.empty()) {
    return error_at(file, node["watch"], decl.id + ": 'watch' belongs on handlers; use 'notify' on a state");
  }
  return decl;
}

Result<void> parse_state_list(const std::string& file, const YAML::Node& list, bool handlers,
                              std::vector<StateDecl>& out);

// A state file: a list of states, or a map with `states:` and `handlers:`.
Result<void> load_state_file(const std::string& path, Play& play) {
  auto root = load_yaml(path);
  if (!root) return std::unexpected(root.error());
  if (root->IsSequence()) return parse_state_list(path, *root, false, play.states);
  if (!root->IsMap()) {
    return bad_input(path + ": a state file is a list of states, or a map with 'states:' and 'handlers:'");
  }
  if (auto r = check_keys(path, *root, {"states", "handlers"}, "state file"); !r) return r;
  if (auto r = parse_state_list(path, (*root)["states"], false, play.states); !r) return r;
  return parse_state_list(path, (*root)["handlers"], true, play.handlers);
}

Result<void> parse_state_list(const std::string& file, const YAML::Node& list, bool handlers,
                              std::vector<StateDecl>& out) {
  if (!list.IsDefined() || list.IsNull()) return {};
  if (!list.IsSequence()) return error_at(file, list, "expected a list of states");
  for (const auto& item : list) {
    auto decl = parse_state(file, item, handlers);
    if (!decl) return std::unexpected(decl.error());
    out.push_back(std::move(*decl));
  }
  return {};
}

Result<Play> parse_play(const std::string& file, const YAML::Node& node) {
  if (!node.IsMap()) return error_at(file, node, "a play must be a mapping with 'hosts:' and 'states:'");
  if (auto r = check_keys(file, node, {"name", "hosts", "states", "handlers"}, "play"); !r)
    return std::unexpected(r.error());
  Play play;
  play.where = at(file, node);
  if (!node["hosts"].IsScalar()) return error_at(file, node, "play needs 'hosts: PATTERN'");
  play.hosts = node["hosts"].Scalar();
  play.name = node["name"].IsScalar() ? node["name"].Scalar() : play.hosts;
  const auto states = node["states"];
  if (states.IsDefined() && !states.IsSequence() && !states.IsScalar()) {
    return error_at(file, states, "'states' must be a state file, or a list of files and states");
  }
  auto dir = fs::path(file).parent_path();
  auto include = [&](const YAML::Node& item) -> Result<void> {
    auto path = (dir / item.Scalar()).lexically_normal().string();
    if (!fs::is_regular_file(path)) {
      return error_at(file, item, "state file not found: " + path);
    }
    return load_state_file(path, play);
  };
  if (states.IsScalar()) {
    if (auto r = include(states); !r) return std::unexpected(r.error());
  } else if (states.IsSequence()) {
    for (const auto& item : states) {
      if (item.IsScalar()) {
        if (auto r = include(item); !r) return std::unexpected(r.error());
      } else {
        auto decl = parse_state(file, item, false);
        if (!decl) return std::unexpected(decl.error());
        play.states.push_back(std::move(*decl));
      }
    }
  }
  if (auto r = parse_state_list(file, node["handlers"], true, play.handlers); !r)
    return std::unexpected(r.error());
  return play;
}

// Requisites, notifications and watches must name things that exist; ids must be unique
// within a play.
Result<void> check_references(const Playbook& book) {
  std::set<std::string> state_ids, handler_ids;
  for (const auto& play : book.plays) {
    std::set<std::string> in_play;
    for (const auto& s : play.states) {
      if (!in_play.insert(s.id).second) {
        return bad_input(s.where.str() + ": duplicate state id '" + s.id +
                         "' in play '" + play.name + "' (give one of them an 'id:')");
      }
      state_ids.insert(s.id);
    }
    for (const auto& h : play.handlers) handler_ids.insert(h.id);
  }
  std::vector<std::string> all_states(state_ids.begin(), state_ids.end());
  std::vector<std::string> all_handlers(handler_ids.begin(), handler_ids.end());
  for (const auto& play : book.plays) {
    for (const auto& s : play.states) {
      for (const auto& r : s.require)
        if (!state_ids.contains(r))
          return bad_input(s.where.str() + ": " + s.id + ": requires unknown state '" + r + "'" +
                           did_you_mean(r, all_states));
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

const std::vector<std::string>& common_state_keys() {
  static const std::vector<std::string> keys = {"id", "require", "notify", "watch", "tags"};
  return keys;
}

Result<Playbook> load_playbook(const std::string& path) {
  auto root = load_yaml(path);
  if (!root) return std::unexpected(root.error());
  Playbook book;
  book.path = path;
  book.dir = fs::path(path).parent_path().string();
  if (!root->IsMap()) return bad_input(path + ": a playbook is a map with 'plays:' (and optional 'vars:', 'verify:')");
  if (auto r = check_keys(path, *root, {"vars", "plays", "verify"}, "playbook"); !r)
    return std::unexpected(r.error());
  book.vars = (*root)["vars"].IsMap() ? YAML::Clone((*root)["vars"]) : YAML::Node(YAML::NodeType::Map);
  if ((*root)["vars"].IsDefined() && !(*root)["vars"].IsMap() && !(*root)["vars"].IsNull())
    return error_at(path, (*root)["vars"], "'vars' must be a map");
  const auto plays = (*root)["plays"];
  if (!plays.IsSequence() || plays.size() == 0)
    return bad_input(path + ": the playbook needs 'plays:', a list of {hosts: PATTERN, states: FILE}");
  for (const auto& p : plays) {
    auto play = parse_play(path, p);
    if (!play) return std::unexpected(play.error());
    book.plays.push_back(std::move(*play));
  }
  const auto verify = (*root)["verify"];
  if (verify.IsDefined() && !verify.IsNull()) {
    if (!verify.IsSequence()) return error_at(path, verify, "'verify' must be a list of probes");
    for (const auto& v : verify) {
      if (!v.IsMap() || v.size() == 0) return error_at(path, v, "a verify probe is a mapping like '- http: ...'");
      book.verify.push_back(VerifyDecl{v.begin()->first.Scalar(), v, at(path, v)});
    }
  }
  if (auto r = check_references(book); !r) return std::unexpected(r.error());
  return book;
}

}  // namespace forja
