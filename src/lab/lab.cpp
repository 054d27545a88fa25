#include "lab/lab.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <thread>

#include "lab/base.hpp"
#include "lab/bootstrap.hpp"
#include "lab/cgroup.hpp"
#include "lab/files.hpp"
#include "lab/keys.hpp"
#include "lab/lock.hpp"
#include "lab/machine.hpp"
#include "lab/network.hpp"
#include "lab/render.hpp"
#include "lab/repo.hpp"
#include "lab/repo_stamp.hpp"
#include "lab/rpm_image.hpp"
#include "lab/state.hpp"
#include "lab/tools.hpp"
#include "util/parallel.hpp"
#include "util/text.hpp"

namespace forja::lab {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string seconds_since(Clock::time_point start) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

bool prepared(const LabPaths& paths) { return base_exists(paths) && repo_exists(paths); }

std::vector<std::string> running_hosts(const LabState& state) {
  std::vector<std::string> names;
  for (const auto& h : state.hosts) {
    if (h.pid > 0) names.push_back(h.host.name);
  }
  return names;
}

std::string host_range(const std::vector<std::string>& names) {
  if (names.size() == 1) return names.front() + " runs";
  return names.front() + " .. " + names.back() + " run";
}

// Build whatever of bootstrap, repo and base is missing, or stale for the requested extras.
// Nothing is rebuilt under running hosts (the repository is bind-mounted into them and the
// image is their overlay's lower layer); a request the repository cannot serve then fails,
// after its names were checked against Debian.
Result<void> ensure_prepared(const LabPaths& paths, const std::vector<PackageSpec>& extras,
                             const Progress& progress, const LabState& state) {
  auto running = running_hosts(state);
  auto wanted = wanted_repo(extras);
  if (!wanted) return std::unexpected(wanted.error());
  auto decision = decide_repo(held_stamp(paths), wanted->stamp,
                              running.empty() ? HostsRunning::no : HostsRunning::yes);
  bool base_ok = base_exists(paths) && base_is_current(paths) && base_lists_current(paths);
  if (!decision.surplus.empty()) {
    progress("lab: note: the repository also holds " + join(decision.surplus) +
             ", asked for earlier; " + host_range(running) +
             " on it, so it stays until 'forja lab down' and the next 'forja lab up'");
  }
  if (decision.action == RepoAction::keep && base_ok) return {};
  if (decision.action == RepoAction::refuse) {
    // A name Debian does not have is bad input whatever state the lab is in.
    auto resolved = resolve_repo(paths, std::move(*wanted), progress);
    if (!resolved) return std::unexpected(resolved.error());
    return fail("the lab's repository lacks " + join(decision.missing) + ", and " +
                host_range(running) +
                " on it: it is never rebuilt under running hosts. Run 'forja lab down', then "
                "this command again (hosts boot clean anyway)");
  }
  if (!running.empty() && base_exists(paths) && repo_exists(paths)) {
    progress(
        "lab: note: the host image or package repository is stale (from an older forja, or "
        "the image's package lists from another repository); 'forja lab down' then "
        "'forja lab up' rebuilds it");
    return {};
  }
  if (auto t = require_tools(prepare_tools()); !t) return t;
  auto start = Clock::now();
  // Resolve first: a name Debian does not have stops everything before anything is built.
  std::optional<ResolvedRepo> resolved;
  if (decision.action == RepoAction::rebuild) {
    auto r = resolve_repo(paths, std::move(*wanted), progress);
    if (!r) return std::unexpected(r.error());
    resolved = std::move(*r);
  }
  progress("lab: preparing the cached host image and package repository in " +
           paths.cache.string() + " (takes minutes the first time)");
  if (auto b = ensure_bootstrap(paths, progress); !b) return b;
  if (resolved) {
    if (auto r = build_repo(paths, *resolved, progress); !r) return r;
  }
  if (base_exists(paths) && base_is_current(paths)) {
    // Only the repository changed (or the image predates the lists' record).
    if (!base_lists_current(paths)) {
      if (auto r = refresh_base_lists(paths, progress); !r) return r;
    }
  } else if (auto b = build_base(paths, progress); !b) {
    return b;
  }
  progress("lab: prepared in " + seconds_since(start));
  return {};
}

// Drop pids that no longer belong to a live host, and adopt live hosts the state lost.
void refresh_pids(const LabPaths& paths, LabState& state) {
  for (auto& h : state.hosts) {
    if (!host_process_alive(h.pid, h.host)) h.pid = 0;
  }
  for (const auto& [index, pid] : find_host_processes()) {
    auto host = planned_host(index);
    bool known = state.find(host.name) != nullptr;
    auto& h = state.ensure(host);
    h.pid = pid;
    if (!known) h.host.kind = host_process_kind(paths, pid);
  }
}

bool rpm_hosts_running(const LabState& state) {
  return std::ranges::any_of(
      state.hosts, [](const HostState& h) { return h.host.kind == HostKind::rpm && h.pid > 0; });
}

// The rpm layer ready to boot rpm hosts on: built when missing or stale, and mounted afresh
// over the host image, unless rpm hosts already run on it (then it stays as it is).
Result<void> ready_rpm_image(const LabPaths& paths, const LabState& state,
                             const Progress& progress) {
  if (rpm_hosts_running(state)) {
    if (!rpm_image_current(paths)) {
      progress(
          "lab: note: the rpm host layer is stale (another host image or forja); rpm "
          "hosts run on it, so it stays until 'forja lab down' and the next 'forja lab up'");
    }
    return mount_rpm_root(paths);
  }
  if (!rpm_image_current(paths)) {
    if (auto t = require_tools(prepare_tools()); !t) return t;
    if (auto b = build_rpm_image(paths, progress); !b) return b;
  }
  if (auto u = unmount_rpm_root(paths); !u) return u;
  return mount_rpm_root(paths);
}

// Planned hosts join the state; one already there keeps its kind while it runs.
Result<void> add_planned_hosts(LabState& state, const std::vector<PlannedHost>& plan,
                               const Progress& progress) {
  for (const auto& host : plan) {
    auto* existing = state.find(host.name);
    if (!existing) {
      state.ensure(host);
      continue;
    }
    if (existing->host.kind == host.kind) continue;
    auto is = std::string(kind_name(existing->host.kind)),
         wanted = std::string(kind_name(host.kind));
    if (existing->pid > 0) {
      return bad_input(host.name + " runs as " + (is == "rpm" ? "an " : "a ") + is +
                       " host; this command asks for " + (wanted == "rpm" ? "an " : "a ") + wanted +
                       " one there. Run 'forja lab down' (or 'forja lab stop " + host.name +
                       "') first");
    }
    progress("lab: " + host.name + " was " + (is == "rpm" ? "an " : "a ") + is +
             " host; it boots as " + (wanted == "rpm" ? "an " : "a ") + wanted + " host now");
    existing->host.kind = host.kind;
  }
  return {};
}

std::vector<PlannedHost> hosts_of(const LabState& state) {
  std::vector<PlannedHost> hosts;
  for (const auto& h : state.hosts) hosts.push_back(h.host);
  return hosts;
}

// Host keys for every host, then known_hosts and the two inventories.
Result<void> write_access_files(const LabPaths& paths, const LabState& state) {
  auto lab_key = ensure_lab_key(paths);
  if (!lab_key) return std::unexpected(lab_key.error());
  std::vector<HostKey> keys;
  for (const auto& h : state.hosts) {
    auto key = ensure_host_keys(paths, h.host, *lab_key);
    if (!key) return std::unexpected(key.error());
    keys.push_back({h.host, *key});
  }
  if (auto w = write_file_atomic(paths.known_hosts(), render_known_hosts(keys)); !w) return w;
  auto hosts = hosts_of(state);
  if (auto w = write_file_atomic(paths.inventory(), render_inventory(hosts, paths, k_sudo_user));
      !w) {
    return w;
  }
  return write_file_atomic(paths.state / "inventory-deploy.yml",
                           render_inventory(hosts, paths, k_password_user, k_deploy_password_env));
}

// Machine-wide setup every boot needs.
Result<void> ready_machine() {
  if (auto r = raise_inotify_limits(); !r) return r;
  return ensure_bridge();
}

Result<void> boot(const LabPaths& paths, HostState& h) {
  if (auto n = create_host_network(h.host); !n) return n;
  auto pid = boot_host(paths, h.host);
  if (!pid) return std::unexpected(pid.error());
  h.pid = *pid;
  return {};
}

// Wait until every listed host's sshd answers, failing early when its nspawn exits.
Result<void> wait_for_ssh(const LabPaths& paths, std::vector<HostState> hosts,
                          std::chrono::seconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!hosts.empty()) {
    for (auto it = hosts.begin(); it != hosts.end();) {
      auto log = paths.host_log(it->host.name).string();
      if (!host_process_alive(it->pid, it->host)) {
        return fail(it->host.name + ": systemd-nspawn exited while booting; its log: " + log +
                    "\n" + last_lines(read_file(log).value_or(""), 10));
      }
      if (ssh_answers(it->host.address, std::chrono::milliseconds(300))) {
        it = hosts.erase(it);
      } else {
        ++it;
      }
    }
    if (hosts.empty()) break;
    if (Clock::now() > deadline) {
      const auto& h = hosts.front().host;
      return fail(h.name + ": sshd did not answer on " + h.address + ":22 within " +
                  std::to_string(timeout.count()) + " s (" + std::to_string(hosts.size()) +
                  " hosts still booting); its boot log: " + paths.host_log(h.name).string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return {};
}

std::chrono::seconds boot_timeout(std::size_t hosts) {
  return std::chrono::seconds(60 + 3 * static_cast<long>(hosts));
}

}  // namespace

Result<void> prepare(const LabPaths& paths, const std::vector<PackageSpec>& extras,
                     const Progress& progress) {
  if (auto r = require_root(); !r) return r;
  auto lock = LabLock::acquire(paths.lock_file());
  if (!lock) return std::unexpected(lock.error());
  auto state = load_state(paths.state_file());
  if (!state) return std::unexpected(state.error());
  refresh_pids(paths, *state);
  if (auto p = ensure_prepared(paths, extras, progress, *state); !p) return p;
  progress("lab: host image " + paths.base().string() + ", repository " + paths.repo().string());
  return {};
}

Result<void> up(const LabPaths& paths, int count, int rpm_count,
                const std::vector<PackageSpec>& extras, const Progress& progress) {
  auto plan = host_plan(count, rpm_count);
  if (!plan) return std::unexpected(plan.error());
  if (auto r = require_root(); !r) return r;
  if (auto t = require_tools(boot_tools()); !t) return t;
  auto lock = LabLock::acquire(paths.lock_file());
  if (!lock) return std::unexpected(lock.error());
  auto state = load_state(paths.state_file());
  if (!state) return std::unexpected(state.error());
  refresh_pids(paths, *state);
  if (auto p = ensure_prepared(paths, extras, progress, *state); !p) return p;

  if (auto a = add_planned_hosts(*state, *plan, progress); !a) return a;
  if (state->hosts.size() > plan->size()) {
    progress("lab: the lab already has " + std::to_string(state->hosts.size()) +
             " hosts; they stay ('forja lab down' first to shrink it)");
  }
  bool rpm_to_boot = std::ranges::any_of(
      state->hosts, [](const HostState& h) { return h.host.kind == HostKind::rpm && h.pid == 0; });
  if (rpm_to_boot) {
    if (auto r = ready_rpm_image(paths, *state, progress); !r) return r;
  }
  if (auto m = ready_machine(); !m) return m;
  if (auto w = write_access_files(paths, *state); !w) return w;

  auto start = Clock::now();
  std::vector<HostState> booted;
  Result<void> boot_result;
  for (auto& h : state->hosts) {
    if (h.pid > 0) continue;
    boot_result = boot(paths, h);
    if (!boot_result) break;
    booted.push_back(h);
  }
  if (auto s = save_state(paths.state_file(), *state); !s) return s;
  if (!boot_result) return boot_result;
  if (booted.empty()) {
    progress("lab: all " + std::to_string(state->hosts.size()) + " hosts already running");
  } else {
    std::vector<std::string> rpm;
    for (const auto& h : booted)
      if (h.host.kind == HostKind::rpm) rpm.push_back(h.host.name);
    progress("lab: booting " + std::to_string(booted.size()) + " hosts (" +
             booted.front().host.name +
             (booted.size() > 1 ? " .. " + booted.back().host.name : "") + ")" +
             (rpm.empty() ? "" : "; rpm hosts: " + join(rpm)));
  }
  std::vector<HostState> all;
  for (const auto& h : state->hosts) all.push_back(h);
  if (auto w = wait_for_ssh(paths, all, boot_timeout(all.size())); !w) return w;
  if (!booted.empty()) {
    progress("lab: " + std::to_string(booted.size()) + " hosts booted, sshd answering, in " +
             seconds_since(start));
  }
  progress("lab: inventory " + paths.inventory().string() + ", known hosts " +
           paths.known_hosts().string());
  return {};
}

Result<void> down(const LabPaths& paths, const Progress& progress) {
  if (auto r = require_root(); !r) return r;
  auto lock = LabLock::acquire(paths.lock_file());
  if (!lock) return std::unexpected(lock.error());
  auto state = load_state(paths.state_file());
  if (!state) return std::unexpected(state.error());
  refresh_pids(paths, *state);

  // Everything that looks like a lab host: the state, live nspawns, stale namespaces/veths.
  std::map<int, int> pids;
  for (const auto& h : state->hosts) pids[h.host.index] = h.pid;
  for (int index : lab_networks_present()) pids.emplace(index, 0);
  auto start = Clock::now();
  progress("lab: stopping " + std::to_string(pids.size()) + " hosts");
  stop_host_processes(pids, std::chrono::seconds(8));
  for (const auto& [index, pid] : pids) {
    if (auto n = remove_host_network(planned_host(index)); !n) return n;
    remove_host_cgroups(planned_host(index));
  }
  if (auto b = remove_bridge(); !b) return b;
  if (auto u = unmount_rpm_root(paths); !u) return u;
  std::error_code ec;
  fs::remove(paths.state_file(), ec);
  fs::remove(kinds_file(paths.state_file()), ec);
  progress("lab: down in " + seconds_since(start) + "; nothing left running");
  return {};
}

Result<PlannedHost> find_host(const LabPaths& paths, const std::string& name) {
  auto state = load_state(paths.state_file());
  if (!state) return std::unexpected(state.error());
  if (auto* h = state->find(name)) return h->host;
  if (state->hosts.empty()) return bad_input("no lab host '" + name + "': the lab is down");
  std::vector<std::string> names;
  for (const auto& h : state->hosts) names.push_back(h.host.name);
  return bad_input("no lab host '" + name + "'" + did_you_mean(name, names) + "; the lab has " +
                   names.front() + " .. " + names.back());
}

Result<void> stop(const LabPaths& paths, const std::string& name, const Progress& progress) {
  if (auto r = require_root(); !r) return r;
  auto host = find_host(paths, name);
  if (!host) return std::unexpected(host.error());
  auto lock = LabLock::acquire(paths.lock_file());
  if (!lock) return std::unexpected(lock.error());
  auto state = load_state(paths.state_file());
  if (!state) return std::unexpected(state.error());
  refresh_pids(paths, *state);
  auto& h = state->ensure(*host);
  auto start = Clock::now();
  stop_host_processes({{h.host.index, h.pid}}, std::chrono::seconds(8));
  if (auto n = remove_host_network(h.host); !n) return n;
  remove_host_cgroups(h.host);
  h.pid = 0;
  if (auto s = save_state(paths.state_file(), *state); !s) return s;
  progress("lab: " + name + " stopped in " + seconds_since(start) + " (" + h.host.address +
           " no longer answers)");
  return {};
}

Result<void> start(const LabPaths& paths, const std::string& name, const Progress& progress) {
  if (auto r = require_root(); !r) return r;
  if (auto t = require_tools(boot_tools()); !t) return t;
  auto host = find_host(paths, name);
  if (!host) return std::unexpected(host.error());
  auto lock = LabLock::acquire(paths.lock_file());
  if (!lock) return std::unexpected(lock.error());
  auto state = load_state(paths.state_file());
  if (!state) return std::unexpected(state.error());
  refresh_pids(paths, *state);
  auto& h = state->ensure(*host);
  if (h.pid > 0) {
    progress("lab: " + name + " is already running (pid " + std::to_string(h.pid) + ")");
    return {};
  }
  if (!prepared(paths)) return fail("the lab is not prepared: run 'forja lab up' first");
  if (h.host.kind == HostKind::rpm) {
    if (auto r = ready_rpm_image(paths, *state, progress); !r) return r;
  }
  if (auto m = ready_machine(); !m) return m;
  if (auto w = write_access_files(paths, *state); !w) return w;
  auto begin = Clock::now();
  auto booted = boot(paths, h);
  if (auto s = save_state(paths.state_file(), *state); !s) return s;
  if (!booted) return booted;
  if (auto w = wait_for_ssh(paths, {h}, boot_timeout(1)); !w) return w;
  progress("lab: " + name + " started in " + seconds_since(begin));
  return {};
}

Result<void> add(const LabPaths& paths, const std::vector<std::string>& names,
                 const Progress& progress) {
  auto hosts = named_hosts(names);
  if (!hosts) return std::unexpected(hosts.error());
  if (auto r = require_root(); !r) return r;
  if (auto t = require_tools(boot_tools()); !t) return t;
  auto lock = LabLock::acquire(paths.lock_file());
  if (!lock) return std::unexpected(lock.error());
  auto state = load_state(paths.state_file());
  if (!state) return std::unexpected(state.error());
  refresh_pids(paths, *state);
  if (!prepared(paths)) return fail("the lab is not prepared: run 'forja lab prepare' first");
  if (auto a = add_planned_hosts(*state, *hosts, progress); !a) return a;
  if (auto m = ready_machine(); !m) return m;
  if (auto w = write_access_files(paths, *state); !w) return w;
  auto begin = Clock::now();
  std::vector<HostState> booted;
  std::vector<std::string> running;
  Result<void> boot_result;
  for (const auto& planned : *hosts) {
    auto& h = *state->find(planned.name);
    if (h.pid > 0) {
      running.push_back(h.host.name);
      continue;
    }
    boot_result = boot(paths, h);
    if (!boot_result) break;
    booted.push_back(h);
  }
  if (auto s = save_state(paths.state_file(), *state); !s) return s;
  if (!boot_result) return boot_result;
  if (!running.empty()) progress("lab: already running: " + join(running));
  if (booted.empty()) return {};
  if (auto w = wait_for_ssh(paths, booted, boot_timeout(booted.size())); !w) return w;
  std::vector<std::string> added;
  for (const auto& h : booted) added.push_back(h.host.name + " (" + h.host.address + ")");
  progress("lab: added " + join(added) + " in " + seconds_since(begin));
  return {};
}

Result<void> remove(const LabPaths& paths, const std::vector<std::string>& names,
                    const Progress& progress) {
  auto hosts = named_hosts(names);
  if (!hosts) return std::unexpected(hosts.error());
  if (auto r = require_root(); !r) return r;
  auto lock = LabLock::acquire(paths.lock_file());
  if (!lock) return std::unexpected(lock.error());
  auto state = load_state(paths.state_file());
  if (!state) return std::unexpected(state.error());
  refresh_pids(paths, *state);
  auto begin = Clock::now();
  std::map<int, int> pids;
  std::vector<std::string> removed, absent;
  for (const auto& planned : *hosts) {
    if (auto* h = state->find(planned.name)) {
      pids[h->host.index] = h->pid;
      removed.push_back(planned.name);
    } else {
      absent.push_back(planned.name);
    }
  }
  stop_host_processes(pids, std::chrono::seconds(8));
  for (const auto& planned : *hosts) {
    if (!state->find(planned.name)) continue;
    if (auto n = remove_host_network(planned); !n) return n;
    remove_host_cgroups(planned);
    state->remove(planned.name);
  }
  if (auto s = save_state(paths.state_file(), *state); !s) return s;
  if (auto w = write_access_files(paths, *state); !w) return w;
  if (!absent.empty()) progress("lab: not in the lab: " + join(absent));
  if (!removed.empty()) {
    progress("lab: removed " + join(removed) + " in " + seconds_since(begin) + "; " +
             std::to_string(state->hosts.size()) + " hosts left");
  }
  return {};
}

Result<std::vector<HostStatus>> status(const LabPaths& paths) {
  auto state = load_state(paths.state_file());
  if (!state) return std::unexpected(state.error());
  std::vector<HostStatus> rows;
  for (const auto& h : state->hosts) {
    rows.push_back({h.host, host_process_alive(h.pid, h.host) ? h.pid : 0, false});
  }
  auto failures = parallel_for(rows.size(), 16, [&](std::size_t i) {
    rows[i].ssh = ssh_answers(rows[i].host.address, std::chrono::milliseconds(1000));
  });
  for (const auto& f : failures) rows[f.index].ssh = false;
  return rows;
}

}  // namespace forja::lab
