#pragma once

// The fuzz targets' entry points, shared by the libFuzzer mains (fuzz_main.cpp) and the unit
// test that replays tests/fuzz/regressions (built with the normal build, so CI runs it). Each
// feeds one input through the code forja runs on a user's file; none contacts a host.

#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace forja::fuzz {

// The text as a YAML inventory ("fuzz.yml").
[[nodiscard]] Result<void> yaml_inventory(std::string_view text);
// The text as an Ansible INI inventory ("fuzz.ini").
[[nodiscard]] Result<void> ini_inventory(std::string_view text);
// The text as a playbook (in a scratch directory that also holds a state file, a template and
// a source file), then every host of a fixed three-host inventory validated as `plan` does
// before connecting: plays matched, context built, states rendered and their arguments checked.
[[nodiscard]] Result<void> playbook(std::string_view text);
// The text as a Mustache template rendered with a fixed host's context.
[[nodiscard]] Result<void> mustache_template(std::string_view text);

struct Target {
  std::string name;  // also the directory under tests/fuzz/corpus and tests/fuzz/regressions
  Result<void> (*run)(std::string_view text);
};
[[nodiscard]] const std::vector<Target>& targets();
[[nodiscard]] const Target* find_target(std::string_view name);

// What bad input may give: success, or a bad_input error whose message starts with a place,
// "FILE:LINE:COL: " or "FILE:LINE: " (FILE being the input's name). Anything else, like an
// exception or a crash, is a finding.
[[nodiscard]] bool acceptable(const Result<void>& result);

}  // namespace forja::fuzz
