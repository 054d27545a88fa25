#include "probes/verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <thread>

#include "discovery/consul.hpp"
#include "discovery/discovery.hpp"
#include "engine/context.hpp"
#include "facts/facts.hpp"
#include "playbook/load.hpp"
#include "report/reporter.hpp"
#include "resources/args.hpp"
#include "template/render.hpp"
#include "util/http.hpp"
#include "util/json.hpp"
#include "util/parallel.hpp"
#include "util/text.hpp"
#include "util/yaml.hpp"

namespace forja {

namespace {

using Clock = std::chrono::steady_clock;

struct ProbeSpec {
  std::string type;
  std::vector<ArgSpec> args;
};

const std::vector<ProbeSpec>& probe_specs() {
  static const std::vector<ProbeSpec> specs = {
      {"tcp", {{"from", ArgKind::string}}},
      {"http", {{"from", ArgKind::string}, {"status", ArgKind::integer}, {"body", ArgKind::string}}},
      {"service", {}},
      // expect_instances (instance names, e.g. what `forja scale` placed: web_instances), when
      // not empty, is the exact set expected; otherwise one or more on each of expect_hosts.
      {"discovery", {{"backend", ArgKind::string, false, "", {"etcd", "consul"}},
                     {"endpoint", ArgKind::string, true},
                     {"expect_hosts", ArgKind::string, true},
                     {"expect_instances", ArgKind::string}}},
      {"lb_spread", {{"requests", ArgKind::integer},
                     {"service", ArgKind::string, true},
                     {"backend", ArgKind::string, false, "", {"etcd", "consul"}},
                     {"endpoint", ArgKind::string, true},
                     {"expect_hosts", ArgKind::string, true},
                     {"expect_instances", ArgKind::string}}},
      {"consul_members", {{"expect_hosts", ArgKind::string, true}}},
  };
  return specs;
}

const std::vector<std::string>& common_keys() {
  static const std::vector<std::string> keys = {"hosts", "timeout", "name"};
  return keys;
}

// One probe, rendered for one host (or for the controller) and validated.
struct Job {
  Args args;
  const Host* host = nullptr;  // the host it was rendered for (runs there for `service`)
  std::string backend;         // discovery backend default from vars
};

struct Attempt {
  bool pass = false;
  std::string value, detail, full;
};

// Many names as a person reads them, in natural order: all of up to 4, else "first ... last".
std::string summarize(std::vector<std::string> names) {
  if (names.empty()) return "none";
  std::sort(names.begin(), names.end(), [](auto& a, auto& b) { return natural_less(a, b); });
  if (names.size() <= 4) return forja::join(names);
  return names.front() + " ... " + names.back();
}

Result<YAML::Node> render_all(const YAML::Node& node, const YAML::Node& ctx, const SourceLocation& where) {
  if (node.IsScalar()) {
    if (!has_template_tags(node.Scalar())) return YAML::Node(node.Scalar());
    auto r = render_template(node.Scalar(), ctx, where);
    if (!r) return std::unexpected(r.error());
    return YAML::Node(*r);
  }
  YAML::Node out(node.Type());
  if (node.IsMap()) {
    for (const auto& kv : node) {
      auto v = render_all(kv.second, ctx, where);
      if (!v) return v;
      out[kv.first.Scalar()] = *v;
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      auto v = render_all(item, ctx, where);
      if (!v) return v;
      out.push_back(*v);
    }
  }
  return out;
}

std::string run_on(const TransportFactory& connect, const Host& host,
                   const std::vector<std::string>& argv, int& exit_status) {
  auto t = connect(host);
  if (auto c = t->connect(); !c) {
    exit_status = -1;
    return c.error().message;
  }
  auto r = t->exec(Command{argv, "", Privilege::user});
  if (!r) {
    exit_status = -1;
    return r.error().message;
  }
  exit_status = r->exit_status;
  return r->out + r->err;
}

class Prober {
 public:
  Prober(const Inventory& inventory, const TransportFactory& connect)
      : m_inventory(inventory), m_connect(connect) {}

  // One attempt; `deadline` bounds the probes that take many steps (lb_spread).
  Attempt once(const Job& job, Clock::time_point deadline) {
    const auto& a = job.args;
    const auto& type = a.type();
    if (type == "tcp") return tcp(job);
    if (type == "http") return http(job);
    if (type == "service") return service(job);
    if (type == "discovery") return discovery(job);
    if (type == "consul_members") return members(job);
    return lb_spread(job, deadline);
  }

 private:
  const Host* from_host(const Job& job) {
    auto from = job.args.str("from");
    return from.empty() ? nullptr : m_inventory.find_host(from);
  }

  Attempt tcp(const Job& job) {
    const auto& target = job.args.name();
    auto colon = target.rfind(':');
    if (const Host* h = from_host(job)) {
      int rc = 0;
      auto out = run_on(m_connect, *h, {"timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/$1/$2", "forja-tcp",
                                        target.substr(0, colon), target.substr(colon + 1)}, rc);
      return rc == 0 ? Attempt{true, "open (from " + h->name + ")", ""}
                     : Attempt{false, "closed", "from " + h->name + ": " + trim(out)};
    }
    auto r = http_request("HEAD", "http://" + target + "/", "", std::chrono::seconds(3));
    // Any HTTP answer, or a non-HTTP service that closes: the port accepted the connection.
    if (r || r.error().message.find("not an HTTP answer") != std::string::npos ||
        r.error().message.find("no answer") != std::string::npos) {
      return {true, "open", ""};
    }
    return {false, "closed", r.error().message};
  }

  Attempt http(const Job& job) {
    const auto& url = job.args.name();
    long want = job.args.integer("status", 200);
    auto body = job.args.str("body");
    int status = 0;
    std::string text;
    if (const Host* h = from_host(job)) {
      int rc = 0;
      auto out = run_on(m_connect, *h, {"curl", "-s", "-m", "5", "-w", "\n%{http_code}", url}, rc);
      if (rc != 0) return {false, "no answer", "from " + h->name + ": curl exit " + std::to_string(rc)};
      auto nl = out.rfind('\n');
      status = std::atoi(out.c_str() + nl + 1);
      text = out.substr(0, nl);
    } else {
      auto r = http_request("GET", url, "", std::chrono::seconds(5));
      if (!r) return {false, "no answer", r.error().message};
      status = r->status;
      text = r->body;
    }
    if (status != want) return {false, std::to_string(status), fmt::format("expected HTTP {}", want)};
    if (!body.empty() && text.find(body) == std::string::npos) {
      return {false, std::to_string(status), "body lacks '" + body + "': " + trim(text.substr(0, 120))};
    }
    return {true, std::to_string(status) + (body.empty() ? "" : ", body matches"), ""};
  }

  Attempt service(const Job& job) {
    if (!job.host) return {false, "", "a service probe needs 'hosts:' (it runs on each host)"};
    int rc = 0;
    auto out = trim(run_on(m_connect, *job.host, {"systemctl", "is-active", "--", job.args.name()}, rc));
    if (rc == 0) return {true, out, ""};
    return {false, out.empty() ? "inactive" : out, job.args.name() + " is " + (out.empty() ? "not active" : out) + " on " + job.host->name};
  }

  Result<std::unique_ptr<Discovery>> catalog(const Job& job) {
    return make_discovery(job.args.str("backend", job.backend.empty() ? "etcd" : job.backend), job.args.str("endpoint"));
  }

  std::vector<std::string> expected_addresses(const Job& job, std::vector<std::string>& names) {
    std::vector<std::string> out;
    auto hosts = m_inventory.match(job.args.str("expect_hosts"));
    if (hosts)
      for (const auto* h : *hosts) {
        out.push_back(h->connection.address);
        names.push_back(h->name);
      }
    return out;
  }

  // The instance names of expect_instances (separated by spaces or commas).
  static std::vector<std::string> expected_instances(const Job& job) {
    std::vector<std::string> out;
    for (auto& word : split(job.args.str("expect_instances"), ' ')) {
      for (auto& name : split(word, ',')) {
        if (!trim(name).empty()) out.push_back(trim(name));
      }
    }
    return out;
  }

  // Every expected host has an instance registered, every instance is passing, and none is
  // on a host not expected; a failing one is named with its cause.
  Attempt discovery(const Job& job) {
    auto d = catalog(job);
    if (!d) return {false, "", d.error().message};
    auto all = (*d)->instances(job.args.name());
    if (!all) return {false, "unreachable", all.error().message};
    std::vector<std::string> names;
    auto expected = expected_addresses(job, names);
    const auto instances = expected_instances(job);
    std::vector<std::string> listed, healthy, failing, missing, unexpected;
    for (const auto& i : *all) {
      listed.push_back(fmt::format("{} ({}:{}, {})", i.instance, i.address, i.port, health_name(i.health)));
      if (i.health == Health::passing) {
        healthy.push_back(i.instance);
      } else {
        failing.push_back(i.instance + ": " + i.cause);
      }
      bool wanted = instances.empty() ? std::ranges::find(expected, i.address) != expected.end()
                                      : std::ranges::find(instances, i.instance) != instances.end();
      if (!wanted) unexpected.push_back(i.instance);
    }
    if (!instances.empty()) {
      for (const auto& want : instances) {
        if (std::ranges::none_of(*all, [&](auto& i) { return i.instance == want; })) {
          missing.push_back(want + " (not registered)");
        }
      }
    } else {
      for (std::size_t k = 0; k < expected.size(); ++k) {
        bool found = std::ranges::any_of(*all, [&](auto& i) { return i.address == expected[k]; });
        if (!found) missing.push_back(names[k] + " (" + expected[k] + ")");
      }
    }
    std::string value = healthy.size() == all->size()
                            ? fmt::format("{} healthy ({})", healthy.size(), summarize(healthy))
                            : fmt::format("{} of {} healthy ({})", healthy.size(), all->size(), summarize(healthy));
    std::string full = fmt::format("{} registered: {}", all->size(), listing(listed));
    if (failing.empty() && missing.empty() && unexpected.empty()) return {true, value, "", full};
    std::vector<std::string> why = failing;
    if (!missing.empty()) why.push_back("missing: " + listing(missing));
    if (!unexpected.empty()) why.push_back("unexpected: " + listing(unexpected));
    return {false, value, forja::join(why, "; "), full};
  }

  // `consul members` as the agent at the target sees it: every expected host is a member,
  // alive, at its own address.
  Attempt members(const Job& job) {
    auto all = consul_members(job.args.name());
    if (!all) return {false, "unreachable", all.error().message};
    std::vector<std::string> names;
    auto expected = expected_addresses(job, names);
    std::vector<std::string> listed, alive, problems;
    for (const auto& m : *all) {
      listed.push_back(fmt::format("{} ({}, {}, {})", m.name, m.address, m.role, m.status));
      if (m.status == "alive") alive.push_back(m.name);
    }
    for (std::size_t k = 0; k < expected.size(); ++k) {
      auto m = std::ranges::find(*all, names[k], &ClusterMember::name);
      if (m == all->end()) {
        problems.push_back(names[k] + ": not a member");
      } else if (m->status != "alive") {
        problems.push_back(names[k] + ": " + m->status);
      } else if (m->address != expected[k]) {
        problems.push_back(fmt::format("{}: alive at {}, expected {}", names[k], m->address, expected[k]));
      }
    }
    std::string value = alive.size() == all->size()
                            ? fmt::format("{} alive ({})", alive.size(), summarize(alive))
                            : fmt::format("{} of {} alive ({})", alive.size(), all->size(), summarize(alive));
    std::string full = fmt::format("{} members: {}", all->size(), listing(listed));
    return {problems.empty(), value, forja::join(problems, "; "), full};
  }

  // Requests through the balancer until every registered replica has answered (at least
  // `requests` of them), bounded by 10 per replica (plus 10) and by the probe's deadline.
  Attempt lb_spread(const Job& job, Clock::time_point deadline) {
    auto d = catalog(job);
    if (!d) return {false, "", d.error().message};
    auto all = (*d)->instances(job.args.str("service"));
    if (!all) return {false, "", "discovery: " + all.error().message};
    auto registered = *all;
    std::erase_if(registered, [](auto& i) { return i.health != Health::passing; });
    const long at_least = job.args.integer("requests", 20);
    const long at_most = std::max<long>(at_least, 10 * static_cast<long>(registered.size()) + 10);
    std::map<std::string, int> seen;
    int errors = 0, unattributed = 0;
    std::string last_error;
    long sent = 0;
    auto all_seen = [&] { return seen.size() == registered.size(); };
    while (sent < at_most && (sent < at_least || !all_seen()) && (sent == 0 || Clock::now() < deadline)) {
      ++sent;
      auto r = http_request("GET", job.args.name(), "", std::chrono::seconds(5));
      if (!r || r->status != 200) {
        ++errors;
        last_error = r ? "HTTP " + std::to_string(r->status) : r.error().message;
        continue;
      }
      bool attributed = false;
      for (const auto& i : registered) {
        if (r->body.find(i.instance) != std::string::npos) {
          ++seen[i.instance];
          attributed = true;
          break;
        }
      }
      if (!attributed) ++unattributed;
    }
    std::vector<std::string> dist, missing;
    int low = 0, high = 0;
    for (const auto& i : registered) {
      int c = seen.count(i.instance) ? seen[i.instance] : 0;
      dist.push_back(fmt::format("{} ({})", i.instance, c));
      if (c > 0) {
        low = low == 0 ? c : std::min(low, c);
        high = std::max(high, c);
        continue;
      }
      auto h = http_request("GET", i.health_url, "", std::chrono::seconds(2));
      std::string why = !h ? "health check failing: " + h.error().message
                           : h->status != 200 ? "health check answers HTTP " + std::to_string(h->status)
                                              : "healthy, but the balancer sent it nothing";
      missing.push_back(i.instance + " (registered, " + why + ")");
    }
    std::vector<std::string> names;
    auto expected = expected_addresses(job, names);
    const auto instances = expected_instances(job);
    for (const auto& want : instances) {
      if (std::ranges::any_of(registered, [&](auto& i) { return i.instance == want; })) continue;
      auto it = std::ranges::find_if(*all, [&](auto& i) { return i.instance == want; });
      missing.push_back(want + (it == all->end() ? " (not registered in discovery)" : " (" + it->cause + ")"));
    }
    if (!instances.empty()) expected.clear();  // the instances say it exactly
    for (std::size_t k = 0; k < expected.size(); ++k) {
      bool passing_here = std::ranges::any_of(registered, [&](auto& i) { return i.address == expected[k]; });
      if (passing_here) continue;
      bool registered_here = false;
      for (const auto& i : *all) {
        if (i.address != expected[k]) continue;
        missing.push_back(i.instance + " (" + i.cause + ")");
        registered_here = true;
      }
      if (!registered_here) missing.push_back(names[k] + " (not registered in discovery)");
    }
    std::string value = all_seen() && !registered.empty()
                            ? fmt::format("{} requests reached all {} replicas ({} to {} each)", sent,
                                          registered.size(), low, high)
                            : fmt::format("{} requests reached {} of {} replicas", sent, seen.size(),
                                          registered.size());
    std::string tail;
    if (errors) tail += fmt::format("; {} failed ({})", errors, last_error);
    if (unattributed) tail += fmt::format("; {} from unknown replicas", unattributed);
    std::string full = fmt::format("{} requests, replicas seen: {}", sent, listing(dist)) + tail;
    bool pass = missing.empty() && errors == 0 && !registered.empty();
    return {pass, value + tail,
            missing.empty() ? (errors ? "some requests failed" : registered.empty() ? "no replica registered" : "")
                            : "missing: " + listing(missing),
            full};
  }

  static std::string listing(const std::vector<std::string>& v) { return v.empty() ? "none" : forja::join(v); }

  const Inventory& m_inventory;
  const TransportFactory& m_connect;
};

YAML::Node controller_context(const Playbook& book, const Inventory& inventory) {
  Host none;
  none.name = "controller";
  auto ctx = host_context(book, inventory, none, fact_stub());
  return ctx;
}

}  // namespace

Result<std::vector<VerifyResult>> run_verify(const Playbook& book, const Inventory& inventory,
                                             const TransportFactory& connect,
                                             const VerifyOptions& options) {
  std::vector<Job> jobs;
  std::vector<std::size_t> declared;
  std::vector<std::chrono::seconds> timeouts;
  std::vector<std::string> type_names;
  for (const auto& s : probe_specs()) type_names.push_back(s.type);
  for (const auto& decl : book.verify) {
    auto spec = std::find_if(probe_specs().begin(), probe_specs().end(), [&](auto& s) { return s.type == decl.type; });
    if (spec == probe_specs().end()) {
      return bad_input(decl.where.str() + ": unknown probe '" + decl.type + "'" + did_you_mean(decl.type, type_names) +
                       "; probes: tcp, http, service, discovery, lb_spread, consul_members");
    }
    std::vector<const Host*> hosts;
    auto pattern = lookup(decl.node, "hosts");
    if (pattern.IsScalar()) {
      auto matched = inventory.match(pattern.Scalar());
      if (!matched) return bad_input(decl.where.str() + ": verify: " + matched.error().message);
      hosts = *matched;
    } else {
      hosts.push_back(nullptr);
    }
    // `loop:` makes one probe per item on each host ({{item}}): a list, or the one variable
    // that holds a host's list (site.yml: each replica on the host, `web_replicas`).
    const auto loop = lookup(decl.node, "loop");
    YAML::Node body = decl.node;
    if (loop.IsDefined()) {
      if (!loop.IsSequence() && !(loop.IsScalar() && single_variable(loop.Scalar()))) {
        return bad_input(node_location(decl.where, loop).str() + ": " + decl.type +
                         ": 'loop' is a list ([a, b]) or one variable that holds a list ({{ports}})");
      }
      body = YAML::Clone(decl.node);
      body.remove("loop");
    }
    for (const Host* h : hosts) {
      auto host_ctx = h ? host_context(book, inventory, *h, fact_stub()) : controller_context(book, inventory);
      std::vector<YAML::Node> items(1);
      if (loop.IsDefined()) {
        auto listed = loop_list(loop, node_location(decl.where, loop).str() + ": " + decl.type + ": loop: ", host_ctx);
        if (!listed) return std::unexpected(listed.error());
        items = std::move(*listed);
      }
      for (const auto& item : items) {
      // Looped: a new map for each item (yaml-cpp's '=' on a node writes through to the node it
      // refers to: assigning over `item`, or over a copy of the host's context, would change
      // the list or the context itself).
      YAML::Node ctx(YAML::NodeType::Map);
      if (loop.IsDefined()) {
        for (const auto& kv : host_ctx) ctx[kv.first.Scalar()] = kv.second;
        ctx["item"] = item;
      } else {
        ctx.reset(host_ctx);
      }
      auto rendered = render_all(body, ctx, decl.where);
      if (!rendered) return std::unexpected(rendered.error());
      auto name_node = (*rendered)[decl.type];
      if (!name_node.IsScalar()) return bad_input(decl.where.str() + ": " + decl.type + ": needs a target, e.g. '- " + decl.type + ": ...'");
      Args args(decl.type, name_node.Scalar(), *rendered, decl.where, decl.node);
      auto specs = spec->args;
      if (auto c = args.check(specs, common_keys()); !c) return std::unexpected(c.error());
      if (!args.str("from").empty() && !inventory.find_host(args.str("from"))) {
        return std::unexpected(args.error("from", "no host named '" + args.str("from") + "' in the inventory"));
      }
      auto backend = ctx["discovery_backend"];
      jobs.push_back(Job{args, h, backend && backend.IsScalar() ? backend.Scalar() : ""});
      declared.push_back(static_cast<std::size_t>(&decl - book.verify.data()));
      timeouts.push_back(std::chrono::seconds(args.integer("timeout", options.timeout.count())));
      }
    }
  }
  std::vector<VerifyResult> results(jobs.size());
  Prober prober(inventory, connect);
  auto failures = parallel_for(jobs.size(), options.forks, [&](std::size_t i) {
    const auto& job = jobs[i];
    auto t0 = Clock::now();
    auto deadline = t0 + timeouts[i];
    VerifyResult& r = results[i];
    r.declared = declared[i];
    r.probe = job.args.type();
    r.target = job.args.name() + (job.host && r.probe == "service" ? " @" + job.host->name : "");
    Attempt a;
    do {
      ++r.attempts;
      a = prober.once(job, deadline);
      if (a.pass || Clock::now() + std::chrono::seconds(1) >= deadline) break;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    } while (true);
    r.pass = a.pass;
    r.value = a.value;
    r.full = a.full;
    r.detail = a.detail;
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  });
  for (const auto& f : failures) {
    results[f.index].pass = false;
    results[f.index].detail = "internal error: " + f.what;
  }
  return results;
}

bool report_verify(const std::vector<VerifyResult>& results, bool json, bool verbose,
                   Reporter& rep) {
  bool all = std::all_of(results.begin(), results.end(), [](auto& r) { return r.pass; });
  if (json) {
    for (const auto& r : results) {
      rep.line(fmt::format(R"({{"event":"probe","probe":{},"target":{},"pass":{},"value":{},"summary":{},"detail":{},"seconds":{:.3f},"attempts":{}}})",
                           json_string(r.probe), json_string(r.target), r.pass ? "true" : "false",
                           json_string(r.full.empty() ? r.value : r.full), json_string(r.value),
                           json_string(r.detail), r.seconds, r.attempts));
    }
    return all;
  }
  // Rows: one per result when verbose or when an entry ran on few hosts; otherwise one per
  // `verify:` entry, with only the hosts where it failed.
  struct Row {
    std::string probe, target, value, detail;
    bool pass;
    double seconds;
  };
  std::vector<Row> rows;
  for (std::size_t i = 0; i < results.size();) {
    std::size_t j = i;
    while (j < results.size() && results[j].declared == results[i].declared) ++j;
    const std::size_t n = j - i;
    if (verbose || n <= 4) {
      for (std::size_t k = i; k < j; ++k) {
        const auto& r = results[k];
        rows.push_back({r.probe, r.target, verbose && !r.full.empty() ? r.full : r.value, r.detail, r.pass, r.seconds});
      }
    } else {
      std::vector<std::string> failed, details;
      double slowest = 0;
      for (std::size_t k = i; k < j; ++k) {
        slowest = std::max(slowest, results[k].seconds);
        if (results[k].pass) continue;
        failed.push_back(results[k].target);
        details.push_back(results[k].target + ": " + (results[k].detail.empty() ? results[k].value : results[k].detail));
      }
      // "microservice@5000 on 30 hosts", or "http://a/health ... http://b/health (30 hosts)".
      auto bare = [&](std::size_t k) {
        const auto& t = results[k].target;
        return results[k].probe == "service" ? t.substr(0, t.rfind(" @")) : t;
      };
      bool same = true;
      for (std::size_t k = i; k < j; ++k) same = same && bare(k) == bare(i);
      auto target = same ? fmt::format("{} on {} hosts", bare(i), n)
                         : fmt::format("{} ... {} ({} hosts)", bare(i), bare(j - 1), n);
      rows.push_back({results[i].probe, target,
                      fmt::format("{} of {} passed", n - failed.size(), n),
                      forja::join(details, "; "), failed.empty(), slowest});
    }
    i = j;
  }
  std::size_t wp = 5, wt = 6;
  for (const auto& r : rows) {
    wp = std::max(wp, r.probe.size());
    wt = std::max(wt, r.target.size());
  }
  std::vector<std::string> lines{"", rep.paint("bold", "VERIFY"),
                                 fmt::format("  {:<{}}  {:<{}}  {:<6}  {:>6}  {}", "probe", wp, "target", wt, "result", "time", "measured")};
  for (const auto& r : rows) {
    lines.push_back(fmt::format("  {:<{}}  {:<{}}  {}  {:>5.1f}s  {}", r.probe, wp, r.target, wt,
                                r.pass ? rep.paint("green", "pass  ") : rep.paint("red", "FAIL  "), r.seconds, r.value));
    if (!r.pass && !r.detail.empty()) lines.push_back("      " + rep.paint("red", r.detail));
  }
  int passed = static_cast<int>(std::count_if(results.begin(), results.end(), [](auto& r) { return r.pass; }));
  lines.push_back(fmt::format("{} of {} probes passed", passed, results.size()));
  rep.block(lines);
  return all;
}

}  // namespace forja
