#include "lab/network.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "lab/exec.hpp"
#include "lab/files.hpp"
#include "util/text.hpp"

namespace forja::lab {

namespace fs = std::filesystem;

namespace {

bool link_exists(std::string_view name) { return fs::exists(fs::path("/sys/class/net") / name); }

Result<void> run_ip(std::vector<std::string> args) {
  args.insert(args.begin(), "ip");
  auto r = run_checked(args);
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<void> raise(const fs::path& knob, long minimum) {
  auto current = read_file(knob);
  if (!current) return std::unexpected(current.error());
  long value = 0;
  auto text = trim(*current);
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value >= minimum) return {};
  // /proc/sys files are written in place (no temp file + rename there).
  FILE* f = std::fopen(knob.c_str(), "we");
  if (!f) return fail("cannot raise " + knob.string() + " (needs root)");
  std::fprintf(f, "%ld\n", minimum);
  if (std::fclose(f) != 0) return fail("cannot raise " + knob.string());
  return {};
}

}  // namespace

Result<void> raise_inotify_limits() {
  if (auto r = raise("/proc/sys/fs/inotify/max_user_instances", 8192); !r) return r;
  return raise("/proc/sys/fs/inotify/max_user_watches", 1048576);
}

Result<void> ensure_bridge() {
  std::string bridge(k_bridge);
  if (!link_exists(bridge)) {
    if (auto r =
            run_ip({"link", "add", bridge, "address", std::string(k_bridge_mac), "type", "bridge"});
        !r) {
      return r;
    }
  }
  auto cidr = std::string(k_bridge_address) + "/" + std::to_string(k_prefix_length);
  if (auto r = run_ip({"link", "set", bridge, "address", std::string(k_bridge_mac)}); !r) return r;
  if (auto r = run_ip({"addr", "replace", cidr, "dev", bridge}); !r) return r;
  return run_ip({"link", "set", bridge, "up"});
}

Result<void> remove_bridge() {
  if (!link_exists(k_bridge)) return {};
  return run_ip({"link", "del", std::string(k_bridge)});
}

bool host_netns_exists(const PlannedHost& host) {
  return fs::exists(fs::path("/run/netns") / host.name);
}

Result<void> remove_host_network(const PlannedHost& host) {
  if (host_netns_exists(host)) {
    if (auto r = run_ip({"netns", "del", host.name}); !r) return r;
  }
  // Deleting the namespace deletes the veth pair too, but asynchronously: a failure to delete
  // a veth that is gone by then is no failure.
  if (link_exists(host.veth)) {
    if (auto r = run_ip({"link", "del", host.veth}); !r && link_exists(host.veth)) return r;
  }
  return {};
}

Result<void> create_host_network(const PlannedHost& host) {
  if (auto r = remove_host_network(host); !r) return r;
  // The machine may still cache an old MAC for this address (from an older forja).
  (void)run_process({"ip", "neigh", "flush", "to", host.address, "dev", std::string(k_bridge)});
  const auto& ns = host.name;
  auto cidr = host.address + "/" + std::to_string(k_prefix_length);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"netns", "add", ns},
           {"link", "add", host.veth, "address", host.veth_mac, "type", "veth", "peer", "name",
            "eth0", "address", host.mac, "netns", ns},
           {"link", "set", host.veth, "master", std::string(k_bridge), "up"},
           {"-n", ns, "link", "set", "lo", "up"},
           {"-n", ns, "addr", "add", cidr, "dev", "eth0"},
           {"-n", ns, "link", "set", "eth0", "up"},
           {"-n", ns, "route", "add", "default", "via", std::string(k_bridge_address)},
       }) {
    if (auto r = run_ip(args); !r) return r;
  }
  return {};
}

std::vector<int> lab_networks_present() {
  std::vector<int> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/run/netns", ec)) {
    if (auto i = host_index(e.path().filename().string())) found.push_back(*i);
  }
  for (const auto& e : fs::directory_iterator("/sys/class/net", ec)) {
    auto name = e.path().filename().string();
    if (!name.starts_with("fj-")) continue;
    if (auto i = host_index(name.substr(3))) found.push_back(*i);
  }
  std::ranges::sort(found);
  auto dup = std::ranges::unique(found);
  found.erase(dup.begin(), dup.end());
  return found;
}

std::vector<int> netns_pids(const PlannedHost& host) {
  std::vector<int> pids;
  if (!host_netns_exists(host)) return pids;
  auto r = run_process({"ip", "netns", "pids", host.name});
  if (!r || r->exit_status != 0) return pids;
  for (const auto& line : split_lines(r->out)) {
    int pid = 0;
    auto t = trim(line);
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), pid);
    if (ec == std::errc() && pid > 1) pids.push_back(pid);
  }
  return pids;
}

}  // namespace forja::lab
