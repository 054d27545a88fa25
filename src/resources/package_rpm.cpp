// package, rpm side: the probe for dnf/yum hosts and parsers of rpm, dnf and yum output.
#include "resources/package_rpm.hpp"

#include <algorithm>
#include <utility>

#include "util/text.hpp"

namespace forja {

namespace {

// rpm -q prints the epoch only when the package has one, as dnf does ("2:1.0-3", "1.0-1"), so
// an installed version and dnf's candidate compare as strings. A name that is not installed
// makes rpm -q exit nonzero ("package X is not installed", not printed).
constexpr const char* k_probe = R"SH(pm=$1 want=$2; shift 2
missing= installed=
for p; do
  if out=$(rpm -q --qf '%{NAME}|%{NAME}|%{ARCH}|ii |%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n' -- "$p" 2>/dev/null); then
    printf '%s\n' "$out"
    installed="$installed $p"
  else
    missing="$missing $p"
  fi
done
strict=
if [ "$pm" = dnf ]; then strict=--setopt=strict=False; fi
if [ "$want" = latest ] && [ -n "$installed" ]; then
  echo '@@updates'
  LC_ALL=C "$pm" -q -C --color=never check-update -- $installed 2>/dev/null
fi
if [ "$want" != absent ] && [ -n "$missing" ]; then
  echo '@@install-sim'
  LC_ALL=C "$pm" -C --color=never --assumeno $strict install -- $missing 2>&1
fi
if [ "$want" = absent ] && [ -n "$installed" ]; then
  echo '@@remove-sim'
  LC_ALL=C "$pm" -C --color=never --assumeno remove -- $installed 2>&1
fi
exit 0)SH";

std::optional<RpmStep::Kind> section_kind(const std::string& header) {
  using K = RpmStep::Kind;
  static const std::pair<const char*, K> k_headers[] = {
      {"Installing:", K::install},
      {"Installing dependencies:", K::dependency},
      {"Installing weak dependencies:", K::dependency},
      {"Installing for dependencies:", K::dependency},
      {"Upgrading:", K::upgrade},
      {"Upgrading dependencies:", K::upgrade},
      {"Updating:", K::upgrade},
      {"Updating for dependencies:", K::upgrade},
      {"Removing:", K::remove},
      {"Removing dependent packages:", K::dependent},
      {"Removing unused dependencies:", K::dependent},
      {"Removing for dependencies:", K::dependent},
  };
  for (const auto& [text, kind] : k_headers)
    if (header == text) return kind;
  if (!header.empty() && header.back() == ':') return K::other;
  return std::nullopt;
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  for (auto& w : split(line, ' '))
    if (!w.empty()) out.push_back(std::move(w));
  return out;
}

}  // namespace

const char* rpm_package_probe() { return k_probe; }

RpmTransaction parse_rpm_transaction(std::string_view out) {
  RpmTransaction result;
  std::optional<RpmStep::Kind> section;
  std::string wrapped;  // a name dnf put on a line of its own
  for (auto line : split_lines(out)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) continue;
    if (starts_with(line, "No match for argument: ")) {
      result.no_match.push_back(trim(line.substr(23)));
      continue;
    }
    if (starts_with(line, "No package ") && line.ends_with(" available.")) {
      result.no_match.push_back(line.substr(11, line.size() - 11 - 11));
      continue;
    }
    if (line[0] != ' ') {
      // A section header, or the rulers and summary around the table: either way the lines
      // below belong to the header only.
      section = section_kind(line);
      wrapped.clear();
      continue;
    }
    if (!section) continue;
    auto fields = words(line);
    if (fields.empty() || fields[0] == "replacing") continue;
    if (fields.size() == 1 && wrapped.empty()) {
      wrapped = fields[0];
      continue;
    }
    if (!wrapped.empty()) {
      fields.insert(fields.begin(), wrapped);
      wrapped.clear();
    }
    if (fields.size() < 4) continue;
    result.steps.push_back(RpmStep{*section, fields[0], fields[1], fields[2]});
  }
  return result;
}

std::map<std::string, std::string> parse_check_update(std::string_view out) {
  std::map<std::string, std::string> updates;
  for (const auto& line : split_lines(out)) {
    if (starts_with(line, "Obsoleting Packages")) break;
    auto fields = words(line);
    if (fields.size() != 3 || line[0] == ' ') continue;
    auto dot = fields[0].rfind('.');
    if (dot == std::string::npos || dot == 0) continue;
    updates[fields[0].substr(0, dot)] = fields[1];
  }
  return updates;
}

}  // namespace forja
