// forja lab: the local lab of test hosts (see src/lab/). This file only parses and prints.
#include "lab/lab.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include "cli/command.hpp"
#include "lab/config.hpp"
#include "lab/lab_file.hpp"
#include "lab/package_spec.hpp"
#include "lab/plan.hpp"
#include "lab/repo.hpp"
#include "lab/tools.hpp"
#include "report/reporter.hpp"

namespace forja {

namespace {

int report_error(const Error& e) {
  reporter().error_line("forja: error: " + e.message);
  return static_cast<int>(e.code);
}

int finish(const Result<void>& r) { return r ? 0 : report_error(r.error()); }

void print_line(std::string_view text) { reporter().line(text); }

// What the repository holds: count, build time, and each package asked for beyond the
// built-in list.
std::vector<std::string> repo_lines(const lab::LabPaths& paths,
                                    const std::optional<lab::RepoManifest>& repo) {
  if (!repo) return {"repository: none yet ('forja lab up' or 'forja lab prepare' builds it)"};
  std::string built = repo->built.empty() ? "?" : repo->built;
  if (repo->seconds > 0) built += " in " + std::to_string(repo->seconds) + " s";
  std::vector<std::string> lines = {
      fmt::format("repository: {}: {} packages, built {}{}", paths.repo().string(), repo->packages,
                  built, repo->extras.empty() ? " (built-in packages only)" : "")};
  for (const auto& e : repo->extras) {
    lines.push_back(fmt::format("  extra {} {} ({}{})", e.name, e.version, e.suite,
                                e.file.empty() ? "" : ": " + e.file));
  }
  return lines;
}

int print_status(const lab::LabPaths& paths) {
  auto rows = lab::status(paths);
  if (!rows) return report_error(rows.error());
  auto repo = lab::repo_status(paths);
  if (!repo) return report_error(repo.error());
  std::vector<std::string> lines;
  if (rows->empty()) {
    lines.push_back("the lab is down (no hosts); start it with 'forja lab up'");
  } else {
    lines.push_back(
        fmt::format("{:<8} {:<12} {:>8}  {:<6} {}", "HOST", "ADDRESS", "PID", "KIND", "SSH"));
    for (const auto& row : *rows) {
      lines.push_back(
          fmt::format("{:<8} {:<12} {:>8}  {:<6} {}", row.host.name, row.host.address,
                      row.pid > 0 ? std::to_string(row.pid) : "-", lab::kind_name(row.host.kind),
                      row.ssh ? reporter().paint("green", "yes") : reporter().paint("red", "no")));
    }
    lines.push_back("inventory: " + paths.inventory().string());
  }
  for (auto& line : repo_lines(paths, *repo)) lines.push_back(std::move(line));
  reporter().block(lines);
  return 0;
}

// The extra packages named with --packages (each a comma-separated list) and --packages-from.
Result<std::vector<lab::PackageSpec>> requested_packages(const std::vector<std::string>& lists,
                                                         const std::string& lab_file) {
  std::vector<lab::PackageSpec> specs;
  for (const auto& list : lists) {
    auto parsed = lab::parse_package_list(list, "--packages", std::filesystem::current_path());
    if (!parsed) return std::unexpected(parsed.error());
    specs.insert(specs.end(), parsed->begin(), parsed->end());
  }
  if (!lab_file.empty()) {
    auto parsed = lab::load_lab_file(lab_file);
    if (!parsed) return std::unexpected(parsed.error());
    specs.insert(specs.end(), parsed->begin(), parsed->end());
  }
  return lab::merge_package_specs(std::move(specs), lab::repo_packages());
}

// Replace this process with the system ssh, as `user` on the host, strict host keys.
int exec_ssh(const lab::LabPaths& paths, const std::string& name, const std::string& user,
             const std::vector<std::string>& command) {
  auto host = lab::find_host(paths, name);
  if (!host) return report_error(host.error());
  if (auto t = lab::require_tools({{"ssh", "openssh-client"}}); !t) return report_error(t.error());
  std::vector<std::string> argv = {"ssh",
                                   "-i",
                                   paths.key().string(),
                                   "-o",
                                   "IdentitiesOnly=yes",
                                   "-o",
                                   "StrictHostKeyChecking=yes",
                                   "-o",
                                   "UserKnownHostsFile=" + paths.known_hosts().string(),
                                   "-o",
                                   "ConnectTimeout=5",
                                   "-l",
                                   user,
                                   host->address};
  if (!command.empty()) {
    argv.emplace_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
  }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  ::execvp("ssh", args.data());
  return report_error(Error{std::string("cannot run ssh: ") + std::strerror(errno)});
}

}  // namespace

CommandSpec lab_command() {
  return {
      "lab", "Run a local lab of real test hosts (systemd + sshd in systemd-nspawn)",
      [](CLI::App& sub) {
        sub.footer(
            "The local lab: real hosts for forja's integration tests and demos.\n"
            "Each host (lab1, lab2, ...) is its own network namespace on the bridge forja0\n"
            "(10.77.0.1/24) with address 10.77.0.(10+N), booting a real systemd and sshd in\n"
            "systemd-nspawn over a volatile overlay of a cached Debian bookworm image: every\n"
            "boot starts clean. Hosts install packages offline from a local repository:\n"
            "the built-in list (what forja's own playbooks need) plus the packages you name\n"
            "with --packages or a lab file (see 'forja lab up --help').\n"
            "Users: root and vagrant (passwordless sudo) and deploy (sudo asks the password\n"
            "'forja-lab-sudo'; inventory-deploy.yml names it via $FORJA_LAB_SUDO_PASSWORD),\n"
            "all taking the lab key. Needs root.\n"
            "Files: $FORJA_LAB_DIR (default /var/lib/forja-lab): inventory.yml, known_hosts,\n"
            "id_ed25519, logs/HOST.log; $FORJA_LAB_CACHE (default /var/cache/forja-lab):\n"
            "base image, package repository, its private apt (apt/) and download pool\n"
            "(pool/).");
        sub.require_subcommand(1);
        auto hosts = std::make_shared<int>(lab::k_default_hosts);
        auto rpm_hosts = std::make_shared<int>(0);
        auto name = std::make_shared<std::string>();
        auto names = std::make_shared<std::vector<std::string>>();
        auto user = std::make_shared<std::string>("root");
        auto command = std::make_shared<std::vector<std::string>>();
        auto packages = std::make_shared<std::vector<std::string>>();
        auto packages_from = std::make_shared<std::string>();
        auto add_package_options = [&](CLI::App* app) {
          app->add_option("--packages", *packages,
                          "Extra packages for the repository, comma-separated (repeatable): "
                          "NAME (bookworm), NAME/SUITE (another Debian suite), PATH.deb")
              ->type_name("LIST");
          app->add_option("--packages-from", *packages_from,
                          "A lab file (e.g. playbooks/lab.yml) listing extra packages")
              ->type_name("FILE");
        };

        auto* up = sub.add_subcommand(
            "up",
            "Boot the lab (lab1..labN) and wait until every sshd answers. The first run "
            "prepares the cached image and repository (minutes); later runs boot 4 hosts "
            "in seconds. Hosts already running are left alone.");
        up->add_option("--hosts", *hosts, "How many hosts (1-200)")->capture_default_str();
        up->add_option("--rpm-hosts", *rpm_hosts,
                       "How many rpm-family hosts after them (dnf and rpm on Debian; group "
                       "'rpm' in the inventory)")
            ->capture_default_str();
        add_package_options(up);
        up->footer(
            "Examples:\n"
            "  forja lab up                                  # lab1..lab4, built-in packages\n"
            "  forja lab up --hosts 8\n"
            "  forja lab up --rpm-hosts 2                    # lab5, lab6: rpm-family hosts\n"
            "  forja lab up --packages lighttpd,cowsay       # from Debian bookworm\n"
            "  forja lab up --packages socket/bullseye       # from another Debian suite\n"
            "  forja lab up --packages ./dist/app_1.0_all.deb  # your own package file\n"
            "  forja lab up --packages-from playbooks/lab.yml\n"
            "\n"
            "A lab file, kept beside the playbooks that need it (relative .deb paths are\n"
            "relative to the file):\n"
            "  packages:\n"
            "    - lighttpd\n"
            "    - socket/bullseye\n"
            "    - ../dist/app_1.0_all.deb\n"
            "\n"
            "The repository then holds the built-in list, these packages and everything they\n"
            "depend on (fetched from deb.debian.org with a private apt configuration; the\n"
            "machine's apt sources are never read nor changed). It is rebuilt only when that\n"
            "list changes (a changed .deb counts), downloading only what CACHE/pool lacks,\n"
            "and never under running hosts: when hosts run and the repository lacks a\n"
            "package, 'forja lab up' fails; run 'forja lab down', then 'forja lab up' again\n"
            "with the same packages. A plain 'forja lab up' with the lab down goes back to\n"
            "the built-in list. A name Debian does not have exits 2, naming it, before\n"
            "anything is built or changed. 'forja lab status' shows what the repository\n"
            "holds.\n"
            "\n"
            "An rpm-family host is the Debian image with one more layer: Debian's dnf 4, rpm\n"
            "4.18, createrepo-c and firewalld, an os-release declaring ID_LIKE=\"rhel fedora\"\n"
            "(forja's facts then choose dnf), and a dnf repository of test packages built\n"
            "with rpmbuild and createrepo_c (forja-hello 1.0 and 1.1, forja-lib, forja-tool,\n"
            "forja-daemon with a systemd unit), mounted at /srv/forja-rpm. The layer is built\n"
            "once (about a minute) and rebuilt only when the image under it changes.");
        sub.add_subcommand("down",
                           "Stop every host; remove their namespaces, veths and the bridge");
        sub.add_subcommand("status",
                           "Show each host (address, nspawn pid, SSH answering) and what the "
                           "package repository holds");
        auto* prepare = sub.add_subcommand(
            "prepare",
            "Only build the cached base image and the offline package repository "
            "(debootstrap, downloads), with the same --packages as 'up'");
        add_package_options(prepare);
        auto* ssh = sub.add_subcommand(
            "ssh",
            "Log in to a host with the system ssh, the lab key and strict host keys.\n"
            "Example: forja lab ssh lab1 -- systemctl is-system-running\n"
            "The words after -- go to ssh as they are: the remote shell runs them.");
        ssh->add_option("name", *name, "Host name (lab1, ...)")->required();
        ssh->add_option("-l,--user", *user, "Remote user: root, vagrant or deploy")
            ->capture_default_str();
        ssh->add_option("command", *command, "Command to run instead of a login shell");
        auto* stop = sub.add_subcommand(
            "stop", "Stop one host: it stays in the inventory but no longer answers");
        stop->add_option("name", *name, "Host name (lab1, ...)")->required();
        auto* start = sub.add_subcommand("start", "Start one stopped host again");
        start->add_option("name", *name, "Host name (lab1, ...)")->required();
        auto* add = sub.add_subcommand(
            "add",
            "Boot the named hosts, joining the lab if they are not in it, and wait until their "
            "sshd answers. Hosts already running are left alone.");
        add->add_option("names", *names, "Host names: labN, N from 1 to 200 (at 10.77.0.(10+N))")
            ->required();
        add->footer(
            "For hosts beside the default ones, e.g. a Vagrant provider's machines (see\n"
            "vagrant/forja_lab.rb) while lab1..lab4 serve other tests:\n"
            "  forja lab add lab41 lab42      # Debian hosts at 10.77.0.51 and 10.77.0.52\n"
            "  forja lab remove lab41 lab42   # gone: stopped, out of known_hosts and inventories\n"
            "They boot like every lab host (clean, the same image and repository); the lab must\n"
            "be prepared ('forja lab up' or 'forja lab prepare' did it).");
        auto* remove = sub.add_subcommand(
            "remove",
            "Stop the named hosts and take them out of the lab (state, known_hosts, "
            "inventories); a name the lab does not have is only noted");
        remove->add_option("names", *names, "Host names (labN)")->required();

        return CommandRunner([=, &sub]() -> int {
          auto paths = lab::lab_paths();
          auto* chosen = sub.get_subcommands().front();
          const auto& which = chosen->get_name();
          if (which == "up" || which == "prepare") {
            auto extras = requested_packages(*packages, *packages_from);
            if (!extras) return report_error(extras.error());
            if (which == "prepare") return finish(lab::prepare(paths, *extras, print_line));
            return finish(lab::up(paths, *hosts, *rpm_hosts, *extras, print_line));
          }
          if (which == "down") return finish(lab::down(paths, print_line));
          if (which == "stop") return finish(lab::stop(paths, *name, print_line));
          if (which == "start") return finish(lab::start(paths, *name, print_line));
          if (which == "add") return finish(lab::add(paths, *names, print_line));
          if (which == "remove") return finish(lab::remove(paths, *names, print_line));
          if (which == "ssh") return exec_ssh(paths, *name, *user, *command);
          return print_status(paths);
        });
      }};
}

}  // namespace forja
