// forja __complete: the hidden command behind the shell completions.
//   forja __complete words [CMD [SUB]]   the subcommands, options and arguments of a level
//   forja __complete names FILE          the groups and hosts of an inventory (nothing if it
//                                        does not load: completion never prints errors)
#include "cli/complete.hpp"

#include <memory>

#include "cli/command.hpp"
#include "inventory/load.hpp"
#include "report/reporter.hpp"

namespace forja {

namespace {

// What the value of an option or positional argument is, by its name.
std::string value_kind(const CLI::Option& opt) {
  const std::string name = opt.get_lnames().empty() ? opt.get_name() : opt.get_lnames().front();
  if (name == "inventory" || name == "playbook" || name == "state-dir") return "file";
  if (name == "limit" || name == "host" || name == "pattern") return "name";
  return "value";
}

}  // namespace

std::vector<std::string> completion_words(const CLI::App& root,
                                          const std::vector<std::string>& path) {
  const CLI::App* level = &root;
  for (const auto& name : path) {
    auto subs = level->get_subcommands([&](const CLI::App* s) { return s->get_name() == name; });
    if (subs.empty()) return {};
    level = subs.front();
  }
  std::vector<std::string> out;
  for (const auto* sub :
       level->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    out.push_back("command " + sub->get_name());
  }
  for (const auto* opt : level->get_options()) {
    if (!opt->nonpositional()) continue;
    const std::string kind = opt->get_expected_min() == 0 ? "flag" : value_kind(*opt);
    for (const auto& s : opt->get_snames()) out.push_back(kind + " -" + s);
    for (const auto& l : opt->get_lnames()) out.push_back(kind + " --" + l);
  }
  for (const auto* opt : level->get_options()) {
    if (opt->nonpositional()) continue;
    out.push_back("arg-" + value_kind(*opt) + " " + opt->get_name());
  }
  return out;
}

std::vector<std::string> completion_names(const Inventory& inv) {
  std::vector<std::string> out = inv.group_order;
  for (const auto& h : inv.hosts) out.push_back(h.name);
  return out;
}

CommandSpec complete_command() {
  return {"__complete", "", [](CLI::App& sub) {
            sub.group("");  // hidden: not in --help, the man page or completion itself
            auto args = std::make_shared<std::vector<std::string>>();
            sub.add_option("what", *args, "words [CMD [SUB]] | names FILE");
            const CLI::App* root = sub.get_parent();
            return CommandRunner([args, root] {
              if (args->empty()) return static_cast<int>(ExitCode::bad_input);
              const std::string what = args->front();
              const std::vector<std::string> rest(args->begin() + 1, args->end());
              std::vector<std::string> lines;
              if (what == "words") {
                lines = completion_words(*root, rest);
              } else if (what == "names" && rest.size() == 1) {
                auto inv = load_inventory(rest.front());
                if (!inv) return static_cast<int>(ExitCode::bad_input);
                lines = completion_names(*inv);
              } else {
                return static_cast<int>(ExitCode::bad_input);
              }
              reporter().block(lines);
              return 0;
            });
          }};
}

}  // namespace forja
