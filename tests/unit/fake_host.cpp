#include "fake_host.hpp"

#include <algorithm>

#include "util/hash.hpp"
#include "util/text.hpp"

namespace forja::test {

namespace {

std::string name_of(const std::vector<std::string>& argv) {
  return argv.size() >= 4 && argv[0] == "sh" && argv[1] == "-c" ? argv[3] : "";
}

bool has(const std::vector<std::string>& argv, const std::string& word) {
  return std::find(argv.begin(), argv.end(), word) != argv.end();
}

std::vector<std::string> after_dashes(const std::vector<std::string>& argv) {
  auto it = std::find(argv.begin(), argv.end(), "--");
  return it == argv.end() ? std::vector<std::string>{} : std::vector<std::string>(it + 1, argv.end());
}

}  // namespace

Result<ProbeOutput> FakeHost::probe(const Probe& p) {
  ++probe_batches;
  if (fail_probe_batch == probe_batches) {
    return fail("connection to " + name + " lost (read): scripted", ExitCode::unreachable);
  }
  const auto& a = p.argv;
  auto what = name_of(a);
  if (what == "forja-facts") return ProbeOutput{0, ""};
  if (what == "forja-file") {
    if (links.count(a[4])) return ProbeOutput{0, "link 777 root root 0 0\n"};
    if (auto d = dirs.find(a[4]); d != dirs.end()) return ProbeOutput{0, "directory " + d->second + " 0 0\n"};
    auto it = files.find(a[4]);
    if (it == files.end()) return ProbeOutput{0, "missing\n"};
    auto sha = sha256_hex(it->second);
    return ProbeOutput{0, "file 644 root root 0 0\n" + sha + "\n" + (sha == a[5] ? "" : it->second)};
  }
  if (what == "forja-package") {
    std::string out, candidates;
    bool missing = false;
    for (std::size_t i = 5; i < a.size(); ++i) {
      if (auto it = installed.find(a[i]); it != installed.end()) {
        out += a[i] + "|" + a[i] + "|amd64|ii |" + it->second + "\n";
      } else {
        missing = true;
      }
      auto cand = available.count(a[i]) ? available[a[i]] : std::string("(none)");
      candidates += a[i] + ":\n  Candidate: " + cand + "\n";
    }
    if (missing || a[4] == "latest") out += "@@candidates\n" + candidates;
    return ProbeOutput{0, out};
  }
  if (what == "forja-service") {
    auto it = services.find(a[4]);
    if (it == services.end()) return ProbeOutput{0, "LoadState=not-found\nActiveState=inactive\n"};
    return ProbeOutput{0, std::string("LoadState=loaded\nActiveState=") +
                              (it->second ? "active\nSubState=running\n" : "inactive\nSubState=dead\n") +
                              "UnitFileState=enabled\nNeedDaemonReload=no\n"};
  }
  if (what == "forja-guard") {
    const auto& creates = a[6];
    if (!creates.empty() && files.count(creates)) return ProbeOutput{0, "skip: " + creates + " exists\n"};
    return ProbeOutput{0, "run\n"};
  }
  return fail("the fake host cannot answer probe " + join(a, " "));
}

Result<ExecResult> FakeHost::run(const Command& c) {
  const auto& a = c.argv;
  auto what = name_of(a);
  if (what == "forja-write") {
    if (!read_only.count(a[4])) files[a[4]] = c.input;
    log.push_back("write " + a[4]);
    return ExecResult{0, "", ""};
  }
  if (what == "forja-command") {
    const auto& cmd = a[6];
    log.push_back("cmd: " + cmd);
    if (starts_with(cmd, "fail")) return ExecResult{1, "", "it failed\n"};
    if (starts_with(cmd, "unlink ")) links.erase(cmd.substr(7));
    if (starts_with(cmd, "write ")) {
      auto words = split(cmd, ' ');
      files[words.at(1)] = words.at(2);
    }
    return ExecResult{0, "", ""};
  }
  if (has(a, "apt-get") && has(a, "update")) {
    log.push_back("update");
    return ExecResult{0, "", ""};
  }
  if (has(a, "apt-get") && has(a, "install")) {
    auto names = after_dashes(a);
    for (const auto& n : names)
      if (!available.count(n)) return ExecResult{100, "", "E: Unable to locate package " + n + "\n"};
    for (const auto& n : names) installed[n] = available[n];
    log.push_back("install " + join(names, " "));
    return ExecResult{0, "", ""};
  }
  if (has(a, "apt-get") && has(a, "remove")) {
    auto names = after_dashes(a);
    for (const auto& n : names) installed.erase(n);
    log.push_back("remove " + join(names, " "));
    return ExecResult{0, "", ""};
  }
  if (!a.empty() && a[0] == "mkdir") {
    dirs[a.back()] = "755 root root";
    log.push_back("mkdir " + a.back());
    return ExecResult{0, "", ""};
  }
  if (!a.empty() && (a[0] == "chmod" || a[0] == "chown" || a[0] == "chgrp")) {
    auto& d = dirs[a.back()];
    auto f = split(d.empty() ? "755 root root" : d, ' ');
    const auto& value = a[0] == "chmod" ? a[1] : a[2];
    f[a[0] == "chmod" ? 0 : a[0] == "chown" ? 1 : 2] =
        a[0] == "chmod" ? value.substr(value.size() > 3 ? value.size() - 3 : 0) : value;
    d = join(f, " ");
    log.push_back(a[0] + " " + value + " " + a.back());
    return ExecResult{0, "", ""};
  }
  if (!a.empty() && a[0] == "systemctl") {
    auto unit = a.back();
    const auto& verb = a[1];
    if (verb == "start" || verb == "restart" || verb == "try-restart") services[unit] = true;
    if (verb == "stop") services[unit] = false;
    log.push_back("systemctl " + verb + (verb == "daemon-reload" ? "" : " " + unit));
    return ExecResult{0, "", ""};
  }
  return fail("the fake host cannot run " + join(a, " "));
}

std::unique_ptr<Transport> FakeHost::transport() {
  auto t = std::make_unique<FakeTransport>(
      Connection{}, [this](const Probe& p) { return probe(p); },
      [this](const Command& c) { return run(c); });
  t->count_round_trips_in(&round_trips);
  if (unreachable) t->refuse_connections(Error{"cannot connect to " + name + ": refused", ExitCode::unreachable});
  return t;
}

int FakeHost::count(const std::string& entry) const {
  return static_cast<int>(std::count(log.begin(), log.end(), entry));
}

FactsSource debian_facts() {
  FactsSource f;
  f.probe = Probe{{"sh", "-c", "true", "forja-facts"}};
  f.parse = [](const ProbeOutput&) -> Result<GatheredFacts> {
    YAML::Node facts(YAML::NodeType::Map);
    facts["hostname"] = "h1";
    facts["os_family"] = "debian";
    return GatheredFacts{Platform{"debian", "debian", "12", "apt", "systemd"}, facts, "debian 12, apt, systemd"};
  };
  return f;
}

}  // namespace forja::test
