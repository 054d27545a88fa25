// forja scale: set a service's replica count, stored in the discovery service's KV store, and
// converge to it: new replicas proven to serve through the balancer, old ones drained first.
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "cli/command.hpp"
#include "cli/playbook_run.hpp"
#include "cli/secrets.hpp"
#include "discovery/discovery.hpp"
#include "report/reporter.hpp"
#include "scale/balancer.hpp"
#include "scale/placement.hpp"
#include "scale/request.hpp"
#include "scale/scaled.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

struct ScaleOptions {
  PlaybookOptions playbook;
  std::string request;
  bool dry_run = false;
  int timeout = 90;    // seconds for each wait (discovery, balancer)
  double grace = 2.0;  // seconds for in-flight requests once the balancer stopped sending
};

std::vector<std::string> names(const std::vector<Replica>& list) {
  std::vector<std::string> out;
  for (const auto& x : list) out.push_back(x.instance());
  return out;
}

double seconds_since(ScaleClock::time_point t0) {
  return std::chrono::duration<double>(ScaleClock::now() - t0).count();
}

// Hosts as a --limit pattern ("lab2:lab3").
std::string pattern(const std::set<std::string>& hosts) {
  return join(std::vector<std::string>(hosts.begin(), hosts.end()), ":");
}

int run_scale(const ScaleOptions& o) {
  auto t0 = ScaleClock::now();
  auto request = parse_scale_request(o.request);
  if (!request) return report_error(request.error());
  auto book = load_playbook_option(o.playbook);
  if (!book) return report_error(book.error());
  auto inventory = load_inventory_option(o.playbook.connect);
  if (!inventory) return report_error(inventory.error());
  register_secrets(reporter(), *book, *inventory);
  auto services = scaled_services(*book, *inventory);
  if (!services) return report_error(services.error());
  std::vector<std::string> known;
  const ScaledService* svc = nullptr;
  for (const auto& s : *services) {
    known.push_back(s.service);
    if (s.service == request->service) svc = &s;
  }
  if (!svc) {
    return report_error({"command line: '" + request->service + "' is not a scaled service of " +
                             o.playbook.playbook + did_you_mean(request->service, known) +
                             (known.empty() ? " (it declares none under vars: scaled:)"
                                            : "; it scales: " + join(known)),
                         ExitCode::bad_input});
  }
  if (svc->backend.empty() || svc->endpoint.empty()) {
    return report_error(
        {svc->service + ": the hosts of '" + svc->group +
             "' name no discovery_backend and discovery_url: no store for the count",
         ExitCode::bad_input});
  }
  auto store = make_kv_store(svc->backend, svc->endpoint);
  if (!store) return report_error(store.error());
  auto read = read_scale(**store, *svc);
  if (!read) {
    return report_error({svc->service + ": the scale store (" + (*store)->where() +
                             ") is unreachable: " + read.error().message +
                             "; nothing was changed (the count lives only there)",
                         ExitCode::unreachable});
  }
  auto desired = request->desired(read->record.desired);
  if (!desired) return report_error(desired.error());
  auto down = down_hosts(*svc, *inventory);
  PlacementInput in{svc->hosts, {}, svc->first_port, *desired, read->record};
  for (const auto& [h, why] : down) in.down.insert(h);
  auto placed = place(in);
  if (!placed)
    return report_error({svc->service + ": " + placed.error().message, ExitCode::failed});

  auto& out = reporter();
  out.line(fmt::format("{}: {} -> {} replica(s) ({} key {}{})", svc->service, read->record.desired,
                       *desired, (*store)->where(), svc->key(),
                       read->stored ? "" : ", not stored yet"));
  for (const auto& [h, why] : down)
    out.line(fmt::format("{}: {} is down ({})", svc->service, h, why));
  for (const auto& x : placed->added)
    out.line(fmt::format("  + {}:{} ({})", x.host, x.port, x.instance()));
  for (const auto& x : placed->removed) {
    out.line(fmt::format("  - {}:{} ({}: drained, then stopped)", x.host, x.port, x.instance()));
  }
  for (const auto& x : placed->lost) {
    out.line(
        fmt::format("  ! {}:{} ({}: lost with its host, retired)", x.host, x.port, x.instance()));
  }
  std::set<std::string> live;
  for (const auto& h : svc->hosts)
    if (!down.contains(h)) live.insert(h);

  auto with_record = [&](const ScaleRecord& record) {
    Inventory inv = *inventory;
    std::vector<ScaleRecord> records;
    for (const auto& s : *services) {
      if (s.service == svc->service) {
        records.push_back(record);
        continue;
      }
      auto other_store = make_kv_store(s.backend, s.endpoint);
      auto other = other_store ? read_scale(**other_store, s)
                               : Result<StoredScale>(std::unexpected(other_store.error()));
      records.push_back(other ? other->record : default_record(s.hosts, s.first_port));
    }
    inject_replicas(inv, *services, records);
    return inv;
  };
  auto converge = [&](const Inventory& inv, std::set<std::string> hosts,
                      std::vector<std::string> tags, bool apply) -> Result<void> {
    auto run = run_options(o.playbook, apply);
    run.limit = pattern(hosts);
    run.tags = std::move(tags);
    auto outcome = run_loaded_playbook(*book, inv, o.playbook, run);
    if (!outcome) return std::unexpected(outcome.error());
    auto code = outcome->exit_code(false);
    if (code != ExitCode::ok)
      return fail(svc->service + ": the run on " + run.limit + " did not succeed", code);
    return {};
  };

  if (live.empty()) {
    return report_error(
        {svc->service + ": no host of '" + svc->group + "' is up", ExitCode::unreachable});
  }
  const auto new_inventory = with_record(placed->record);
  if (o.dry_run) {
    auto run = run_options(o.playbook, false);
    run.limit = pattern(live);
    auto outcome = run_loaded_playbook(*book, new_inventory, o.playbook, run);
    if (!outcome) return report_error(outcome.error());
    return static_cast<int>(outcome->exit_code(o.playbook.exit_code));
  }

  // The count first: from here on, every run by anyone converges to it.
  auto stored = (*store)->put_if(svc->key(), record_to_json(placed->record),
                                 read->stored ? read->stored->version : "");
  if (!stored)
    return report_error({svc->service + ": the scale store (" + (*store)->where() +
                             ") is unreachable: " + stored.error().message +
                             "; nothing was changed",
                         ExitCode::unreachable});
  if (!*stored) {
    return report_error({svc->service + ": someone else stored a scale of " + svc->service +
                             " since it was read; nothing was changed: run again",
                         ExitCode::failed});
  }

  auto discovery = make_discovery(svc->backend, svc->endpoint);
  if (!discovery) return report_error(discovery.error());
  const auto deadline = [&] { return ScaleClock::now() + std::chrono::seconds(o.timeout); };

  // Drain: out of discovery, out of the balancer, in-flight requests done; then stopped.
  std::set<std::string> drain_hosts, gone;
  for (const auto& x : placed->removed) {
    drain_hosts.insert(x.host);
    gone.insert(x.instance());
  }
  if (!drain_hosts.empty()) {
    auto t = ScaleClock::now();
    if (auto r = converge(new_inventory, drain_hosts, {"drain"}, true); !r)
      return report_error(r.error());
    if (auto r = wait_discovery(**discovery, svc->service, {}, gone, deadline()); !r)
      return report_error(r.error());
    if (!svc->balancer_url.empty()) {
      if (auto r = wait_not_served_by(svc->balancer_url, gone, 20, deadline()); !r)
        return report_error(r.error());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(o.grace * 1000)));
    out.line(fmt::format(
        "{}: drained {} in {:.1f} s (out of {} and the balancer, {:.1f} s for requests in flight)",
        svc->service, join(names(placed->removed)), seconds_since(t), (*discovery)->backend(),
        o.grace));
  }

  // Converge every live host of the group: new replicas started, ports opened, registered;
  // drained ones stopped and their ports closed.
  if (auto r = converge(new_inventory, live, {}, true); !r) return report_error(r.error());

  // Proof: every new replica passing in discovery and served a request through the balancer.
  std::set<std::string> wanted;
  for (const auto& x : replica_list(placed->record.replicas, svc->hosts))
    wanted.insert(x.instance());
  if (auto r = wait_discovery(**discovery, svc->service, wanted, gone, deadline()); !r)
    return report_error(r.error());
  if (!svc->balancer_url.empty()) {
    for (const auto& x : placed->added) {
      auto t = ScaleClock::now();
      if (auto r = wait_served_by(svc->balancer_url, x.instance(), deadline()); !r)
        return report_error(r.error());
      out.line(fmt::format("{}: {} served a request through {} ({:.1f} s after it was started)",
                           svc->service, x.instance(), svc->balancer_url, seconds_since(t)));
    }
  }
  out.line(fmt::format("{}: {} replica(s): {} ({:.1f} s)", svc->service, *desired,
                       join(names(replica_list(placed->record.replicas, svc->hosts))),
                       seconds_since(t0)));
  return 0;
}

}  // namespace

CommandSpec scale_command() {
  return {
      "scale", "Set a service's replica count (web=4, web+1, web-1) and converge to it",
      [](CLI::App& sub) {
        auto o = std::make_shared<ScaleOptions>();
        add_connect_options(sub, o->playbook.connect);
        sub.add_option("playbook", o->playbook.playbook, "Playbook file (e.g. playbooks/site.yml)")
            ->required();
        sub.add_option("count", o->request, "SERVICE=N, SERVICE+N or SERVICE-N")->required();
        sub.add_flag("--dry-run", o->dry_run, "Show the placement and the plan; change nothing");
        sub.add_flag("--exit-code", o->playbook.exit_code,
                     "With --dry-run: exit 4 when changes are pending");
        sub.add_option("--timeout", o->timeout, "Seconds each wait (discovery, balancer) may take")
            ->capture_default_str();
        sub.add_option("--grace", o->grace, "Seconds left for requests in flight after a drain")
            ->capture_default_str();
        sub.add_option("--state-dir", o->playbook.state_dir,
                       "Where owed handlers are kept between runs");
        sub.add_flag("-v,--verbose", o->playbook.verbose, "Also list states that need no change");
        sub.add_flag("--no-diff", o->playbook.no_diff, "Print no diffs (summaries only)");
        sub.footer(
            "The count and where each replica runs are stored in the discovery service's\n"
            "key-value store (Consul's KV or etcd, key forja/scale/SERVICE), checked-and-set, so\n"
            "every operator and every later plan/apply sees them; an unreachable store changes\n"
            "nothing (exit 3). A new replica goes to the host of the group with the fewest,\n"
            "on its next free port; forja reports success once the balancer served it.\n"
            "A replica taken away is drained first: out of discovery and the balancer, then\n"
            "stopped and its port closed. Hosts that are down lose their replicas to live ones.\n"
            "Example: forja scale -i inventories/lab.yml playbooks/site.yml web+1");
        return CommandRunner([o] { return run_scale(*o); });
      }};
}

}  // namespace forja
