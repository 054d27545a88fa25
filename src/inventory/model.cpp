// Host lookup and host patterns.
#include "inventory/model.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <set>

#include "util/text.hpp"

namespace forja {

namespace {

bool is_glob(std::string_view term) { return term.find_first_of("*?[") != std::string_view::npos; }

// Host indexes (into inv.hosts) of one group, its descendants included.
void collect_group(const Inventory& inv, const Group& g,
                   const std::map<std::string, std::size_t>& index, std::set<std::size_t>& out,
                   std::set<std::string>& visited) {
  if (!visited.insert(g.name).second) return;
  if (g.name == "all") {
    for (std::size_t i = 0; i < inv.hosts.size(); ++i) out.insert(i);
    return;
  }
  for (const auto& h : g.hosts) out.insert(index.at(h));
  for (const auto& c : g.children) {
    if (const Group* child = inv.find_group(c)) collect_group(inv, *child, index, out, visited);
  }
}

}  // namespace

const Host* Inventory::find_host(std::string_view name) const {
  for (const auto& h : hosts)
    if (h.name == name) return &h;
  return nullptr;
}

const Group* Inventory::find_group(std::string_view name) const {
  auto it = groups.find(std::string(name));
  return it == groups.end() ? nullptr : &it->second;
}

// Terms are split on ':' and ','. Like Ansible, plain terms are united first, then '&' terms
// intersect and '!' terms exclude, whatever their order; with no plain term the start is "all".
Result<std::vector<const Host*>> Inventory::match(std::string_view pattern,
                                                  std::vector<std::string>* unknown) const {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < hosts.size(); ++i) index.emplace(hosts[i].name, i);
  std::vector<std::string> names = group_order;  // groups first: they win ties in suggestions
  for (const auto& h : hosts) names.push_back(h.name);

  auto resolve_term = [&](const std::string& term) -> Result<std::set<std::size_t>> {
    std::set<std::size_t> out;
    std::set<std::string> visited;
    if (term == "*" || term == "all") {
      for (std::size_t i = 0; i < hosts.size(); ++i) out.insert(i);
      return out;
    }
    if (is_glob(term)) {
      bool any = false;
      for (std::size_t i = 0; i < hosts.size(); ++i) {
        if (::fnmatch(term.c_str(), hosts[i].name.c_str(), 0) == 0) out.insert(i), any = true;
      }
      for (const auto& [name, group] : groups) {
        if (::fnmatch(term.c_str(), name.c_str(), 0) == 0) {
          collect_group(*this, group, index, out, visited);
          any = true;
        }
      }
      if (!any) {
        std::string why = "'" + term + "' matches no host or group";
        if (!unknown) return bad_input("host pattern '" + std::string(pattern) + "': " + why);
        unknown->push_back(why);
      }
      return out;
    }
    if (auto it = index.find(term); it != index.end()) {
      out.insert(it->second);
      return out;
    }
    if (const Group* g = find_group(term)) {
      collect_group(*this, *g, index, out, visited);
      return out;
    }
    std::string why = "no host or group named '" + term + "'" + did_you_mean(term, names);
    if (!unknown) return bad_input("host pattern '" + std::string(pattern) + "': " + why);
    unknown->push_back(why);
    return out;
  };

  std::vector<std::string> plain, intersect, exclude;
  std::string term;
  auto flush = [&]() -> Result<void> {
    std::string t = trim(term);
    term.clear();
    if (t.empty()) return bad_input("host pattern '" + std::string(pattern) + "': empty term");
    if (t[0] == '&') {
      intersect.push_back(trim(t.substr(1)));
    } else if (t[0] == '!') {
      exclude.push_back(trim(t.substr(1)));
    } else {
      plain.push_back(t);
    }
    return {};
  };
  for (char ch : pattern) {
    if (ch == ':' || ch == ',') {
      if (auto r = flush(); !r) return std::unexpected(r.error());
    } else {
      term += ch;
    }
  }
  if (auto r = flush(); !r) return std::unexpected(r.error());
  for (const auto* list : {&intersect, &exclude})
    for (const auto& t : *list)
      if (t.empty()) return bad_input("host pattern '" + std::string(pattern) + "': empty term");

  std::set<std::size_t> selected;
  if (plain.empty()) plain.push_back("all");
  for (const auto& t : plain) {
    auto r = resolve_term(t);
    if (!r) return std::unexpected(r.error());
    selected.insert(r->begin(), r->end());
  }
  for (const auto& t : intersect) {
    auto r = resolve_term(t);
    if (!r) return std::unexpected(r.error());
    std::erase_if(selected, [&](std::size_t i) { return !r->contains(i); });
  }
  for (const auto& t : exclude) {
    auto r = resolve_term(t);
    if (!r) return std::unexpected(r.error());
    std::erase_if(selected, [&](std::size_t i) { return r->contains(i); });
  }
  std::vector<const Host*> out;
  for (auto i : selected) out.push_back(&hosts[i]);  // std::set keeps file order
  return out;
}

}  // namespace forja
