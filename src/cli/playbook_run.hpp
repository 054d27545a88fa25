#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/common.hpp"

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

// Validate, connect, plan or apply, report; returns the exit code.
int run_playbook_command(const PlaybookOptions& options, bool apply);

// Load, run the verify: probes, print the table; returns the exit code.
int run_verify_command(const PlaybookOptions& options);

}  // namespace forja
