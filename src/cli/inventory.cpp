// forja inventory: load an inventory and show what forja resolved from it.
#include <cstdlib>
#include <memory>

#include "cli/command.hpp"
#include "cli/secrets.hpp"
#include "inventory/ansible_view.hpp"
#include "inventory/load.hpp"
#include "inventory/view.hpp"
#include "report/reporter.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

struct InventoryOptions {
  std::string path;
  std::string host;
  std::string limit;
  bool graph = false;
  bool list = false;
  bool json = false;
};

int report_error(const Error& e) {
  reporter().error_line("forja: error: " + e.message);
  return static_cast<int>(e.code);
}

int run_inventory(const InventoryOptions& o) {
  if (o.path.empty()) {
    return report_error(
        {"no inventory given: pass -i FILE (e.g. forja inventory -i inventories/lab.yml) or set "
         "FORJA_INVENTORY",
         ExitCode::bad_input});
  }
  auto inv = load_inventory(o.path);
  if (!inv) return report_error(inv.error());
  for (const auto& w : inv->warnings) reporter().error_line("forja: " + w);
  register_secrets(reporter(), *inv);
  if (o.list) {
    reporter().line(ansible_list_json(*inv));
    return 0;
  }

  if (!o.host.empty()) {
    const Host* h = inv->find_host(o.host);
    if (!h) {
      std::vector<std::string> names;
      for (const auto& x : inv->hosts) names.push_back(x.name);
      return report_error(
          {o.path + ": no host named '" + o.host + "'" + did_you_mean(o.host, names),
           ExitCode::bad_input});
    }
    reporter().line(o.json ? host_json(*h) : ansible_host_json(*inv, *h));
    return 0;
  }
  if (o.graph) {
    reporter().block(ansible_graph(*inv));
    return 0;
  }
  auto hosts = inv->match(o.limit.empty() ? "all" : o.limit);
  if (!hosts) return report_error(hosts.error());
  if (o.json) {
    reporter().line(inventory_json(*inv, *hosts));
  } else {
    reporter().block(inventory_table(*hosts));
  }
  return 0;
}

}  // namespace

CommandSpec inventory_command() {
  return {"inventory", "Show the hosts, groups and settings forja resolves from an inventory",
          [](CLI::App& sub) {
            auto o = std::make_shared<InventoryOptions>();
            sub.add_option("-i,--inventory", o->path,
                           "Inventory file: YAML (.yml) or Ansible INI (.ini)")
                ->envname("FORJA_INVENTORY");
            auto* list = sub.add_flag("--list", o->list,
                                      "Print the JSON `ansible-inventory --list` prints");
            auto* graph = sub.add_flag("--graph", o->graph,
                                       "Show the group tree like `ansible-inventory --graph`");
            auto* host = sub.add_option(
                "--host", o->host,
                "Show one host's variables like `ansible-inventory --host` (with --json: "
                "forja's resolved connection too)");
            sub.add_option("-l,--limit", o->limit,
                           "Only hosts matching a pattern: web, 'web*', 'web:&prod', 'all:!lb'");
            sub.add_flag("--json", o->json, "Machine-readable output");
            graph->excludes(host);
            list->excludes(graph)->excludes(host);
            sub.footer(
                "Loads and checks the inventory without contacting any host. Settings resolve\n"
                "defaults < groups (parents before children) < host; vars merge by top-level key.\n"
                "Variables named like *password*, *secret*, *token* are shown as ********.\n\n"
                "Examples:\n"
                "  forja inventory -i inventories/lab.yml\n"
                "  forja inventory -i inventories/lab.yml --graph\n"
                "  forja inventory -i hosts.ini --list\n"
                "  forja inventory -i inventories/lab.yml --host lab1\n"
                "  forja inventory -i hosts.ini --limit 'web:!lab2' --json");
            return CommandRunner([o] { return run_inventory(*o); });
          }};
}

}  // namespace forja
