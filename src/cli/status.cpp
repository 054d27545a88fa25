// forja status: each scaled service's desired, running and healthy counts and where every
// replica runs, from the store and the discovery service; --dot draws it for Graphviz.
#include "scale/status.hpp"

#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "cli/playbook_run.hpp"
#include "cli/secrets.hpp"
#include "report/reporter.hpp"

namespace forja {

namespace {

struct StatusOptions {
  PlaybookOptions playbook;
  bool dot = false;
};

std::string discovery_host(const Inventory& inv, const std::string& endpoint) {
  auto rest =
      endpoint.substr(endpoint.find("//") == std::string::npos ? 0 : endpoint.find("//") + 2);
  auto address = rest.substr(0, rest.find_first_of(":/"));
  for (const auto& h : inv.hosts)
    if (h.connection.address == address) return h.name;
  return address;
}

int run_status(const StatusOptions& o) {
  auto book = load_playbook_option(o.playbook);
  if (!book) return report_error(book.error());
  auto inventory = load_inventory_option(o.playbook.connect);
  if (!inventory) return report_error(inventory.error());
  register_secrets(reporter(), *book, *inventory);
  auto services = scaled_services(*book, *inventory);
  if (!services) return report_error(services.error());
  if (services->empty()) {
    return report_error(
        {o.playbook.playbook + ": no scaled services (vars: scaled:)", ExitCode::bad_input});
  }
  std::vector<ServiceStatus> statuses;
  for (const auto& svc : *services) {
    if (svc.backend.empty()) {
      return report_error(
          {svc.service + ": the hosts of '" + svc.group + "' name no discovery_backend",
           ExitCode::bad_input});
    }
    auto store = make_kv_store(svc.backend, svc.endpoint);
    if (!store) return report_error(store.error());
    auto read = read_scale(**store, svc);
    if (!read) {
      return report_error({svc.service + ": the scale store (" + (*store)->where() +
                               ") is unreachable: " + read.error().message,
                           ExitCode::unreachable});
    }
    auto discovery = make_discovery(svc.backend, svc.endpoint);
    if (!discovery) return report_error(discovery.error());
    auto instances = (*discovery)->instances(svc.service);
    if (!instances) {
      return report_error({svc.service + ": " + instances.error().message, ExitCode::unreachable});
    }
    auto status = merge_status(svc, read->record, *instances);
    status.store = (*store)->where();
    status.stored = read->stored.has_value();
    status.discovery_host = discovery_host(*inventory, svc.endpoint);
    statuses.push_back(std::move(status));
  }
  if (o.dot) {
    auto dot = status_dot(statuses);
    dot.pop_back();  // the reporter adds the last newline
    reporter().line(dot);
    return 0;
  }
  bool all_right = true;
  for (const auto& s : statuses) {
    reporter().block(status_lines(s));
    all_right = all_right && s.healthy() == s.desired && s.running() == s.desired;
  }
  return all_right ? 0 : static_cast<int>(ExitCode::failed);
}

}  // namespace

CommandSpec status_command() {
  return {
      "status", "Each scaled service: desired, running and healthy replicas, and where they run",
      [](CLI::App& sub) {
        auto o = std::make_shared<StatusOptions>();
        add_connect_options(sub, o->playbook.connect);
        sub.add_option("playbook", o->playbook.playbook, "Playbook file (e.g. playbooks/site.yml)")
            ->required();
        sub.add_flag(
            "--dot", o->dot,
            "Print a Graphviz digraph of the live topology (forja status --dot | dot -Tsvg)");
        sub.footer(
            "Desired comes from the store (the discovery service's key-value store), running and\n"
            "healthy from the discovery service itself (registered, passing). Exit 1 when they\n"
            "differ, 3 when the store or the discovery service does not answer.\n"
            "Example: forja status -i inventories/lab.yml playbooks/site.yml --dot | dot -Tsvg");
        return CommandRunner([o] { return run_status(*o); });
      }};
}

}  // namespace forja
