// forja run: one command on every matching host, in parallel; output grouped per host.
#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "cli/run_become.hpp"
#include "cli/secrets.hpp"
#include "report/reporter.hpp"
#include "util/parallel.hpp"
#include "util/shell.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

struct RunOptions {
  ConnectOptions connect;
  std::string pattern;
  std::vector<std::string> command;
  bool become = false;
  bool no_become = false;
};

struct HostResult {
  std::string host;
  bool reached = false;
  int exit_status = -1;
  std::string error;
};

int run(const RunOptions& o) {
  auto inventory = load_inventory_option(o.connect);
  if (!inventory) return report_error(inventory.error());
  register_secrets(reporter(), *inventory);
  auto hosts = inventory->match(o.pattern);
  if (!hosts) return report_error(hosts.error());
  // One word is a shell command line ("systemctl status x | head"); several are an argv.
  std::vector<std::string> argv =
      o.command.size() == 1 ? std::vector<std::string>{"sh", "-c", o.command[0]} : o.command;
  const BecomeChoice choice = o.become      ? BecomeChoice::always
                             : o.no_become ? BecomeChoice::never
                                           : BecomeChoice::inventory;
  auto& r = reporter();
  std::vector<HostResult> results(hosts->size());
  std::atomic<std::size_t> done{0};
  install_interrupt_handler();
  auto failures = parallel_for(hosts->size(), o.connect.forks, [&](std::size_t i) {
    Host host = *(*hosts)[i];
    host.connection = run_connection(host.connection, choice);
    auto t0 = std::chrono::steady_clock::now();
    HostResult& res = results[i];
    res.host = host.name;
    auto transport = make_transport(host, o.connect);
    auto connected = transport->connect();
    Result<ExecResult> out = connected ? transport->exec(Command{argv, "", Privilege::become})
                                       : Result<ExecResult>(std::unexpected(connected.error()));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<std::string> block;
    if (!out) {
      res.error = out.error().message;
      block.push_back(fmt::format("{} | {} | {:.2f}s", r.paint("bold", host.name),
                                  r.paint("red", "UNREACHABLE"), secs));
      block.push_back("    " + res.error);
    } else {
      res.reached = true;
      res.exit_status = out->exit_status;
      block.push_back(fmt::format("{} | {} | {:.2f}s", r.paint("bold", host.name),
                                  out->exit_status == 0
                                      ? r.paint("green", "exit 0")
                                      : r.paint("red", fmt::format("exit {}", out->exit_status)),
                                  secs));
      for (const auto& l : split_lines(out->out)) block.push_back("    " + l);
      for (const auto& l : split_lines(out->err)) block.push_back("    " + r.paint("yellow", l));
    }
    r.block(block);
    r.progress(fmt::format("{}/{} hosts done", ++done, hosts->size()));
  });
  for (const auto& f : failures) {
    results[f.index] = HostResult{(*hosts)[f.index]->name, false, -1, "internal error: " + f.what};
  }
  int ok = 0, failed = 0, unreachable = 0;
  std::vector<std::string> recap{"", r.paint("bold", "RECAP")};
  for (const auto& res : results) {
    if (!res.reached) {
      ++unreachable;
      recap.push_back(fmt::format("  {}  {}", res.host, r.paint("red", "unreachable: " + res.error)));
    } else if (res.exit_status != 0) {
      ++failed;
      recap.push_back(fmt::format("  {}  {}", res.host, r.paint("red", fmt::format("failed (exit {})", res.exit_status))));
    } else {
      ++ok;
      recap.push_back(fmt::format("  {}  {}", res.host, r.paint("green", "ok")));
    }
  }
  recap.push_back(fmt::format("{} ok, {} failed, {} unreachable", ok, failed, unreachable));
  r.block(recap);
  if (failed) return static_cast<int>(ExitCode::failed);
  if (unreachable) return static_cast<int>(ExitCode::unreachable);
  return 0;
}

}  // namespace

CommandSpec run_command() {
  return {"run", "Run a command on every host matching a pattern, in parallel", [](CLI::App& sub) {
            auto o = std::make_shared<RunOptions>();
            add_connect_options(sub, o->connect);
            sub.add_option("pattern", o->pattern, "Hosts: all, a host or group, web*, web:!w2")
                ->required();
            sub.add_option("command", o->command,
                           "After --: the command. One word is run by the remote shell "
                           "('systemctl status haproxy | head'); several words are an argv")
                ->required();
            auto* become = sub.add_flag(
                "-b,--become", o->become,
                "Run through sudo on every host, even where the inventory does not say become "
                "(its become_user and become_password_env still apply)");
            auto* no_become = sub.add_flag("--no-become", o->no_become,
                                           "Run as the login user on every host, even where "
                                           "the inventory says become");
            become->excludes(no_become);
            sub.footer(
                "Without --become or --no-become, each host's inventory decides, as for Ansible's\n"
                "ad-hoc commands: become: true (ansible_become=yes) runs the command through sudo.\n\n"
                "Examples:\n"
                "  forja run -i inventories/lab.yml all -- hostname\n"
                "  forja run -i hosts.ini web --become -- 'systemctl is-active microservice@5000'\n"
                "  forja run -i inventories/lab.yml all --no-become -- id -un\n"
                "Exit code: 0 all ok, 1 a command failed somewhere, 3 a host was unreachable.");
            return CommandRunner([o] { return run(*o); });
          }};
}

}  // namespace forja
