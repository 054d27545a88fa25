// forja inventory: load an inventory and show what forja resolved from it.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/command.hpp"
#include "cli/secrets.hpp"
#include "inventory/ansible_view.hpp"
#include "inventory/load.hpp"
#include "inventory/vagrant_inventory.hpp"
#include "inventory/view.hpp"
#include "report/reporter.hpp"
#include "util/input_file.hpp"
#include "util/process.hpp"
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
  bool from_vagrant = false;
  std::string ssh_config;   // a saved `vagrant ssh-config` output ("-": stdin); empty: run it
  std::string output;       // --from-vagrant: write here instead of stdout
  std::string known_hosts = ".vagrant/forja_known_hosts";
};

int report_error(const Error& e) {
  reporter().error_line("forja: error: " + e.message);
  return static_cast<int>(e.code);
}

std::vector<std::string> names_of(const std::vector<VagrantMachine>& machines) {
  std::vector<std::string> names;
  for (const auto& m : machines) names.push_back(m.name);
  return names;
}

// `vagrant ssh-config`'s output: from the file named with --ssh-config, or by running it here.
Result<std::pair<std::string, std::string>> ssh_config_text(const InventoryOptions& o) {
  if (!o.ssh_config.empty()) {
    auto name = o.ssh_config == "-" ? std::string("/dev/stdin") : o.ssh_config;
    auto text = read_input_file(name, "vagrant ssh-config output");
    if (!text) return std::unexpected(text.error());
    return std::pair{o.ssh_config == "-" ? std::string("<stdin>") : o.ssh_config, *text};
  }
  auto run = run_process({"vagrant", "ssh-config"}, {.timeout = std::chrono::minutes(5)});
  if (!run) {
    return fail("cannot run `vagrant ssh-config`: " + run.error().message +
                " (is vagrant installed? or pass --ssh-config FILE)");
  }
  if (run->exit_status != 0) {
    return fail("`vagrant ssh-config` exited " + std::to_string(run->exit_status) +
                " (is every machine up? `vagrant status` says): " +
                last_lines(run->err.empty() ? run->out : run->err, 6));
  }
  return std::pair{std::string("vagrant ssh-config"), run->out};
}

// Read each machine's included ssh config files (a provider's own settings, e.g. its
// known_hosts file); only absolute paths, as Vagrant writes them.
Result<void> read_includes(std::vector<VagrantMachine>& machines) {
  for (auto& m : machines) {
    for (const auto& file : m.includes) {
      if (!std::filesystem::path(file).is_absolute()) {
        return bad_input(m.where.str() + ": machine '" + m.name + "' includes '" + file +
                         "': only absolute paths are read");
      }
      auto text = read_input_file(file, "ssh config included by machine '" + m.name + "'");
      if (!text) return std::unexpected(text.error());
      if (auto a = apply_ssh_include(m, *text, file); !a) return std::unexpected(a.error());
    }
  }
  return {};
}

Result<void> write_text(const std::string& path, const std::string& text) {
  auto tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f || !(f << text) || !f.flush()) return fail("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return fail("cannot write " + path + ": " + ec.message());
  return {};
}

int run_from_vagrant(const InventoryOptions& o) {
  if (o.path.empty()) {
    return report_error(
        {"--from-vagrant needs the topology: -i FILE, a forja YAML inventory whose hosts are "
         "the Vagrantfile's machines and whose groups place them (e.g. -i "
         "inventories/vagrant.yml)",
         ExitCode::bad_input});
  }
  auto topology = read_input_file(o.path, "inventory");
  if (!topology) return report_error(topology.error());
  auto config = ssh_config_text(o);
  if (!config) return report_error(config.error());
  auto machines = parse_vagrant_ssh_config(config->second, config->first);
  if (!machines) return report_error(machines.error());
  if (auto r = read_includes(*machines); !r) return report_error(r.error());
  std::error_code ec;
  auto known_hosts = std::filesystem::absolute(o.known_hosts, ec).lexically_normal().string();
  auto inv = vagrant_inventory(o.path, *topology, *machines, {known_hosts});
  if (!inv) return report_error(inv.error());
  // What was written must load as it will in apply: the check costs nothing.
  auto check = parse_yaml_inventory(o.output.empty() ? "<stdout>" : o.output, inv->text);
  if (!check) return report_error(check.error());
  for (const auto& note : inv->notes) reporter().error_line("forja: note: " + note);
  if (o.output.empty()) {
    reporter().block(split_lines(inv->text));
    return 0;
  }
  if (auto w = write_text(o.output, inv->text); !w) return report_error(w.error());
  reporter().error_line("forja: " + o.output + ": " + std::to_string(machines->size()) +
                        " machines (" + join(names_of(*machines)) + ")");
  return 0;
}

int run_inventory(const InventoryOptions& o) {
  if (o.from_vagrant) return run_from_vagrant(o);
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
            auto* json = sub.add_flag("--json", o->json, "Machine-readable output");
            auto* vagrant = sub.add_flag(
                "--from-vagrant", o->from_vagrant,
                "Write an inventory for Vagrant's machines: -i names the topology (groups, "
                "vars; one host per machine), `vagrant ssh-config` each machine's connection");
            auto* ssh_config =
                sub.add_option("--ssh-config", o->ssh_config,
                               "With --from-vagrant: read this saved `vagrant ssh-config` output "
                               "('-' for stdin) instead of running vagrant here")
                    ->type_name("FILE");
            auto* output = sub.add_option("-o,--output", o->output,
                                          "With --from-vagrant: write the inventory to FILE "
                                          "(default: stdout)")
                               ->type_name("FILE");
            auto* known_hosts =
                sub.add_option("--known-hosts", o->known_hosts,
                               "With --from-vagrant: the known_hosts file for machines whose "
                               "ssh-config names none (VirtualBox, libvirt)")
                    ->type_name("FILE")
                    ->capture_default_str();
            graph->excludes(host);
            list->excludes(graph)->excludes(host);
            vagrant->excludes(list)->excludes(graph)->excludes(host)->excludes(json);
            ssh_config->needs(vagrant);
            output->needs(vagrant);
            known_hosts->needs(vagrant);
            sub.footer(
                "Loads and checks the inventory without contacting any host. Settings resolve\n"
                "defaults < groups (parents before children) < host; vars merge by top-level key.\n"
                "Variables named like *password*, *secret*, *token* are shown as ********.\n\n"
                "Examples:\n"
                "  forja inventory -i inventories/lab.yml\n"
                "  forja inventory -i inventories/lab.yml --graph\n"
                "  forja inventory -i hosts.ini --list\n"
                "  forja inventory -i inventories/lab.yml --host lab1\n"
                "  forja inventory -i hosts.ini --limit 'web:!lab2' --json\n\n"
                "Vagrant (--from-vagrant): the machines' connections come from `vagrant\n"
                "ssh-config`, run in the current directory: HostName, Port, User, IdentityFile,\n"
                "and the known_hosts file when it checks host keys (a provider that knows them,\n"
                "like vagrant/forja_lab.rb, names it). Vagrant's own providers turn host-key\n"
                "checking off (UserKnownHostsFile /dev/null): forja never does, and keeps those\n"
                "keys in --known-hosts, recorded on the first run with --accept-new-host-keys.\n"
                "A machine reached through a port VirtualBox forwards (HostName 127.0.0.1)\n"
                "keeps the topology's address (its private network), port 22. Every host of\n"
                "the topology must be a machine and every machine a host.\n"
                "  forja inventory --from-vagrant -i inventories/vagrant.yml -o .vagrant/forja.yml\n"
                "  vagrant ssh-config > machines.txt\n"
                "  forja inventory --from-vagrant -i inventories/vagrant.yml --ssh-config machines.txt");
            return CommandRunner([o] { return run_inventory(*o); });
          }};
}

}  // namespace forja
