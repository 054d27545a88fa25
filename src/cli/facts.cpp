// forja facts: what forja knows about each host, gathered in one round trip per host.
#include <fmt/format.h>

#include <memory>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "cli/secrets.hpp"
#include "facts/facts.hpp"
#include "report/reporter.hpp"
#include "util/json.hpp"
#include "util/parallel.hpp"
#include "util/yaml.hpp"

namespace forja {

namespace {

struct FactsOptions {
  ConnectOptions connect;
  std::string pattern = "all";
  bool json = false;
};

int run(const FactsOptions& o) {
  auto inventory = load_inventory_option(o.connect);
  if (!inventory) return report_error(inventory.error());
  register_secrets(reporter(), *inventory);
  auto hosts = inventory->match(o.pattern);
  if (!hosts) return report_error(hosts.error());
  std::vector<Result<HostFacts>> results(hosts->size(), fail("not run"));
  auto failures = parallel_for(hosts->size(), o.connect.forks, [&](std::size_t i) {
    auto transport = make_transport(*(*hosts)[i], o.connect);
    auto connected = transport->connect();
    results[i] = connected ? gather_facts(*transport) : Result<HostFacts>(std::unexpected(connected.error()));
  });
  for (const auto& f : failures) results[f.index] = fail("internal error: " + f.what);
  auto& r = reporter();
  bool unreachable = false;
  if (o.json) {
    std::string out = "{";
    for (std::size_t i = 0; i < hosts->size(); ++i) {
      if (i) out += ",";
      out += json_string((*hosts)[i]->name) + ":";
      if (results[i]) {
        out += yaml_to_json(results[i]->to_yaml());
      } else {
        unreachable = true;
        out += "{\"unreachable\":" + json_string(results[i].error().message) + "}";
      }
    }
    r.line(out + "}");
  } else {
    for (std::size_t i = 0; i < hosts->size(); ++i) {
      const auto& name = (*hosts)[i]->name;
      if (!results[i]) {
        unreachable = true;
        r.block({r.paint("bold", name) + " | " + r.paint("red", "UNREACHABLE"),
                 "    " + results[i].error().message});
        continue;
      }
      const auto& f = *results[i];
      std::string addrs;
      for (const auto& a : f.addresses) addrs += (addrs.empty() ? "" : " ") + a;
      r.block({r.paint("bold", name) + " | " + f.pretty_name,
               fmt::format("    os_family={} distribution={} version={}", f.os_family, f.distribution, f.version),
               fmt::format("    package_manager={} init_system={} python3={}", f.package_manager, f.init_system,
                           f.python3.empty() ? "(none)" : f.python3),
               fmt::format("    hostname={} kernel={} arch={}", f.hostname, f.kernel, f.architecture),
               fmt::format("    addresses={}", addrs)});
    }
  }
  return unreachable ? static_cast<int>(ExitCode::unreachable) : 0;
}

}  // namespace

CommandSpec facts_command() {
  return {"facts", "Show what forja knows about hosts (one round trip per host)", [](CLI::App& sub) {
            auto o = std::make_shared<FactsOptions>();
            add_connect_options(sub, o->connect);
            sub.add_option("pattern", o->pattern, "Hosts (default: all)");
            sub.add_flag("--json", o->json, "One JSON object: {host: {fact: value}}");
            sub.footer("Example: forja facts -i inventories/lab.yml web --json\n"
                       "Templates see these as {{facts.NAME}}.");
            return CommandRunner([o] { return run(*o); });
          }};
}

}  // namespace forja
