#include "engine/selection.hpp"

#include <algorithm>
#include <set>

#include "util/text.hpp"

namespace forja {

namespace {

// Every tag a state of the playbook has, sorted.
std::vector<std::string> playbook_tags(const Playbook& book) {
  std::set<std::string> tags;
  for (const auto& play : book.plays)
    for (const auto& s : play.states) tags.insert(s.tags.begin(), s.tags.end());
  return {tags.begin(), tags.end()};
}

Result<void> check_tags(const Playbook& book, const std::vector<std::string>& tags) {
  const auto known = playbook_tags(book);
  for (const auto& t : tags) {
    if (std::find(known.begin(), known.end(), t) != known.end()) continue;
    if (known.empty()) return bad_input("--tags " + t + ": no state of " + book.path + " has tags");
    return bad_input("--tags " + t + ": no state of " + book.path + " has this tag" +
                     did_you_mean(t, known) + "; its tags: " + join(known));
  }
  return {};
}

std::vector<std::string> names_of(const std::vector<const Host*>& hosts) {
  std::vector<std::string> out;
  for (const auto* h : hosts) out.push_back(h->name);
  return out;
}

}  // namespace

Result<RunSelection> select_run(const Playbook& book, const Inventory& inventory,
                                const std::string& limit, const std::vector<std::string>& tags) {
  if (auto r = check_tags(book, tags); !r) return std::unexpected(r.error());
  RunSelection run;
  auto members = play_members(book, inventory, &run.notes);
  if (!members) return std::unexpected(members.error());
  std::set<const Host*> targeted;
  for (const auto& m : *members) targeted.insert(m.begin(), m.end());
  std::set<const Host*> allowed = targeted;
  if (!limit.empty()) {
    auto hosts = inventory.match(limit);
    if (!hosts) return bad_input("--limit: " + hosts.error().message);
    if (hosts->empty()) return bad_input("--limit " + limit + ": matches no host");
    allowed = {hosts->begin(), hosts->end()};
    if (std::none_of(hosts->begin(), hosts->end(), [&](auto* h) { return targeted.contains(h); })) {
      std::vector<const Host*> in_order;
      for (const auto& h : inventory.hosts)
        if (targeted.contains(&h)) in_order.push_back(&h);
      return bad_input("--limit " + limit + ": matches " + join(names_of(*hosts)) +
                       ", which no play of " + book.path + " targets (its plays target: " +
                       (in_order.empty() ? "no host" : join(names_of(in_order))) + ")");
    }
  }
  for (const auto& h : inventory.hosts)
    if (targeted.contains(&h) && allowed.contains(&h)) run.hosts.push_back(&h);
  if (run.hosts.empty()) {
    std::string why = run.notes.empty() ? "" : ":\n" + join(run.notes, "\n");
    return bad_input("no play of " + book.path + " targets a host of " + inventory.path + why);
  }
  bool any_state = false;
  for (const auto* h : run.hosts) {
    run.decls.push_back(select_decls(book, *members, *h, tags));
    any_state = any_state || !run.decls.back().states.empty();
  }
  if (!tags.empty() && !any_state) {
    return bad_input("--tags " + join(tags, ",") + ": no state with these tags targets " +
                     join(names_of(run.hosts)) + (limit.empty() ? "" : " (--limit " + limit + ")"));
  }
  return run;
}

}  // namespace forja
