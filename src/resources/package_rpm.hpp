#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace forja {

// The rpm side of the package resource (dnf, or yum where only yum exists): the probe and
// pure parsers of what rpm, dnf and yum print. Checked against dnf 4.14 and rpm 4.18 on the
// lab's rpm hosts; yum's spellings follow yum 3.4 (CentOS 7), not run here.

// The probe: $1 = dnf or yum, $2 = present, absent or latest, then the package names. Prints
// "name|name|arch|ii |[epoch:]version-release" per installed package (rpm -q), then only what
// must be looked up, all from the package manager's cache (-C: a probe never downloads
// metadata): updates of installed packages (@@updates, check-update, for latest), what
// installing the missing ones would do (@@install-sim) or what removing would take along
// (@@remove-sim), each a transaction answered "no" (--assumeno): nothing changes.
[[nodiscard]] const char* rpm_package_probe();

// One package line of a dnf/yum transaction table.
struct RpmStep {
  enum class Kind {
    install,     // "Installing:" (what was asked for)
    dependency,  // "Installing dependencies:", "Installing weak dependencies:", yum's
                 // "Installing for dependencies:"
    upgrade,     // "Upgrading:", yum's "Updating:" and "Updating for dependencies:"
    remove,      // "Removing:"
    dependent,   // "Removing dependent packages:", "Removing unused dependencies:", yum's
                 // "Removing for dependencies:"
    other,       // downgrades, reinstalls, skipped packages
  };
  Kind kind = Kind::other;
  std::string name, arch, version;  // version as dnf prints it: [epoch:]version-release
};

// A transaction dnf or yum showed and was told not to run.
struct RpmTransaction {
  std::vector<RpmStep> steps;
  std::vector<std::string> no_match;  // "No match for argument: X", yum's "No package X available."
};

// Parse the table dnf/yum print before asking "Is this ok" (LC_ALL=C, --color=never); long
// names that dnf wraps onto their own line are joined back.
[[nodiscard]] RpmTransaction parse_rpm_transaction(std::string_view out);

// `dnf check-update` / `yum check-update` output: package name -> version of its update
// ("haproxy.x86_64  1.5.18-9.el7_9.1  updates"); obsoletes and anything else are skipped.
[[nodiscard]] std::map<std::string, std::string> parse_check_update(std::string_view out);

}  // namespace forja
