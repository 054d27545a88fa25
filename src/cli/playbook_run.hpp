#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/common.hpp"
#include "engine/runner.hpp"
#include "playbook/model.hpp"

namespace forja {

// Options of plan and apply (apply --check is plan).
struct PlaybookOptions {
  ConnectOptions connect;
  std::string playbook;
  std::string limit;
  std::vector<std::string> tags;
  std::string state_dir;
  std::vector<std::string> extra_vars;  // -e KEY=VALUE / -e @FILE
  bool no_diff = false;
  bool verbose = false;
  bool json = false;
  bool exit_code = false;  // plan: 4 when changes are pending
  bool check = false;      // apply: only plan
  bool verify = false;     // apply: run verify after a successful apply
  int verify_timeout = 30;
};

void add_playbook_options(CLI::App& sub, PlaybookOptions& options);

// The playbook named by the options, with the -e variables.
[[nodiscard]] Result<Playbook> load_playbook_option(const PlaybookOptions& options);

// The engine's options from the command line's (plan when !apply or --check).
[[nodiscard]] RunOptions run_options(const PlaybookOptions& options, bool apply);

// Plan or apply a loaded playbook on a loaded inventory, reported as plan and apply report.
[[nodiscard]] Result<RunOutcome> run_loaded_playbook(const Playbook& book, const Inventory& inventory,
                                                     const PlaybookOptions& options,
                                                     const RunOptions& run);

// Validate, connect, plan or apply, report; returns the exit code.
int run_playbook_command(const PlaybookOptions& options, bool apply);

// Load, run the verify: probes, print the table; returns the exit code.
int run_verify_command(const PlaybookOptions& options);

}  // namespace forja
