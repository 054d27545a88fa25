#pragma once

// What the shell completions (completion/forja.bash, completion/_forja) ask forja, through the
// hidden `forja __complete` command, so they follow the real command line and inventories.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "inventory/model.hpp"

namespace forja {

// The words of one level of the command line, each "KIND WORD": `command NAME` for a
// subcommand, `flag -x`/`flag --xx` for an option without a value, `file`/`name`/`value` for an
// option taking a file, a host pattern or anything else, and `arg-file NAME`, `arg-name NAME`,
// `arg-value NAME` for positional arguments in order. `path` names the level below `root`
// ({} for forja itself, {"lab", "up"} for `forja lab up`); an unknown level has no words.
// Hidden subcommands (those whose group is empty) are left out.
[[nodiscard]] std::vector<std::string> completion_words(const CLI::App& root,
                                                        const std::vector<std::string>& path);

// What a host pattern may name in `inv`: its groups, then its hosts, in file order.
[[nodiscard]] std::vector<std::string> completion_names(const Inventory& inv);

}  // namespace forja
