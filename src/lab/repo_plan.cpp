#include "lab/repo_plan.hpp"

#include <algorithm>
#include <charconv>

#include "lab/config.hpp"
#include "util/text.hpp"

namespace forja::lab {

namespace {

std::string culprit(const PackageSpec& spec) {
  return "'" + spec.text() + "' (" + spec.origin + ")";
}

bool provided_locally(std::string_view name, const std::vector<LocalDeb>& local_debs) {
  return std::ranges::any_of(local_debs, [&](const LocalDeb& d) { return d.package == name; });
}

// Suites the mirror serves, for "did you mean" on a mistyped one.
const std::vector<std::string>& known_suites() {
  static const std::vector<std::string> suites = {
      "buster",
      "bullseye",
      "bookworm",
      "trixie",
      "forky",
      "sid",
      "unstable",
      "experimental",
      "bullseye-updates",
      "bookworm-updates",
      "trixie-updates",
      "bullseye-backports",
      "bookworm-backports",
      "trixie-backports",
  };
  return suites;
}

}  // namespace

std::vector<std::string> closure_roots(const std::vector<std::string>& built_in,
                                       const std::vector<PackageSpec>& debian_extras,
                                       const std::vector<LocalDeb>& local_debs) {
  std::vector<std::string> roots = built_in;
  for (const auto& spec : debian_extras) roots.push_back(spec.text());
  for (const auto& deb : local_debs) roots.push_back(deb.package);
  return roots;
}

std::vector<MissingPackage> find_missing(const std::vector<PackageSpec>& debian_extras,
                                         const std::vector<AptVersion>& versions) {
  std::vector<MissingPackage> missing;
  for (const auto& spec : debian_extras) {
    bool found = std::ranges::any_of(versions, [&](const AptVersion& v) {
      return v.name == spec.name && v.suite == spec.suite;
    });
    if (found) continue;
    MissingPackage m{spec, {}, ""};
    for (const auto& v : versions) {
      if (v.name != spec.name || v.suite == "." ||
          std::ranges::find(m.found_in, v.suite) != m.found_in.end()) {
        continue;
      }
      m.found_in.push_back(v.suite);
    }
    std::ranges::sort(m.found_in);
    missing.push_back(std::move(m));
  }
  return missing;
}

std::string missing_packages_message(const std::vector<MissingPackage>& missing) {
  std::string text = "Debian does not have " +
                     std::string(missing.size() == 1 ? "this package" : "these packages") +
                     " (nothing was built or changed):";
  for (const auto& m : missing) {
    text += "\n  " + culprit(m.spec) + ": Debian " + m.spec.suite + " has no package '" +
            m.spec.name + "'";
    if (!m.found_in.empty()) {
      text += "; " + join(m.found_in) + " " + (m.found_in.size() == 1 ? "has" : "have") +
              " it: name it '" + m.spec.name + "/" + m.found_in.front() + "'";
    } else if (!m.suggestion.empty()) {
      text += " (did you mean '" + m.suggestion + "'?)";
    }
  }
  return text;
}

std::string missing_suites_message(const std::vector<std::string>& missing_suites,
                                   const std::vector<PackageSpec>& debian_extras) {
  std::string text = "the Debian mirror " + std::string(k_mirror) + " has no suite " +
                     (missing_suites.size() == 1 ? "'" + missing_suites.front() + "'"
                                                 : "'" + join(missing_suites, "', '") + "'") +
                     " (nothing was built or changed):";
  for (const auto& spec : debian_extras) {
    if (std::ranges::find(missing_suites, spec.suite) == missing_suites.end()) continue;
    text += "\n  " + culprit(spec) + ": no suite '" + spec.suite + "'" +
            did_you_mean(spec.suite, known_suites());
  }
  return text;
}

std::vector<std::string> unsatisfiable_depends(std::string_view apt_cache_out) {
  struct Alternative {
    std::string target;
    bool is_virtual = false;
    bool has_provider = false;
  };
  std::vector<std::string> problems;
  std::string package;
  std::vector<Alternative> group;
  bool group_continues = false;
  auto close_group = [&] {
    if (group.empty()) return;
    bool satisfiable = std::ranges::any_of(
        group, [](const Alternative& a) { return !a.is_virtual || a.has_provider; });
    if (!satisfiable) {
      std::vector<std::string> names;
      for (const auto& a : group) names.push_back(a.target);
      problems.push_back(package + " depends on '" + join(names, " | ") + "'");
    }
    group.clear();
  };
  for (const auto& line : split_lines(apt_cache_out)) {
    if (line.empty()) continue;
    if (line.front() != ' ') {  // a package
      close_group();
      package = trim(line);
      continue;
    }
    if (line.starts_with("    ")) {  // a provider of the virtual target above
      if (!group.empty()) group.back().has_provider = true;
      continue;
    }
    bool alternative_follows = line.size() > 1 && line[1] == '|';
    auto body = trim(std::string_view(line).substr(2));
    auto colon = body.find(':');
    auto kind = body.substr(0, colon);
    if (colon == std::string::npos || (kind != "Depends" && kind != "PreDepends")) {
      close_group();
      group_continues = false;
      continue;
    }
    if (!group_continues) close_group();
    auto target = trim(std::string_view(body).substr(colon + 1));
    bool is_virtual = target.size() > 2 && target.front() == '<' && target.back() == '>';
    if (is_virtual) target = target.substr(1, target.size() - 2);
    group.push_back({target, is_virtual, false});
    group_continues = alternative_follows;
  }
  close_group();
  return problems;
}

std::vector<std::string> download_names(const std::vector<std::string>& closure,
                                        const std::vector<PackageSpec>& debian_extras,
                                        const std::vector<LocalDeb>& local_debs) {
  std::vector<std::string> names;
  for (const auto& name : closure) {
    if (provided_locally(name, local_debs)) continue;
    auto extra = std::ranges::find(debian_extras, name, &PackageSpec::name);
    names.push_back(extra != debian_extras.end() ? extra->text() : name);
  }
  return names;
}

std::pair<std::string, std::string> deb_file_name_version(std::string_view file) {
  auto fields = split(file, '_');
  if (fields.size() < 2) return {std::string(file), ""};
  std::string version;
  std::string_view raw = fields[1];
  for (std::size_t i = 0; i < raw.size(); ++i) {
    unsigned value = 0;
    if (raw[i] == '%' && i + 2 < raw.size()) {
      auto hex = raw.substr(i + 1, 2);
      auto [end, ec] = std::from_chars(hex.data(), hex.data() + 2, value, 16);
      if (ec == std::errc() && end == hex.data() + 2) {
        version += static_cast<char>(value);
        i += 2;
        continue;
      }
    }
    version += raw[i];
  }
  return {fields[0], version};
}

std::vector<RepoExtra> manifest_extras(const std::vector<PackageSpec>& debian_extras,
                                       const std::vector<LocalDeb>& local_debs,
                                       const std::vector<AptDownload>& downloads) {
  std::vector<RepoExtra> extras;
  for (const auto& spec : debian_extras) {
    std::string version = "?";
    for (const auto& d : downloads) {
      auto [name, v] = deb_file_name_version(d.file);
      if (name == spec.name) version = v;
    }
    extras.push_back({spec.name, version, spec.suite, ""});
  }
  for (const auto& deb : local_debs) {
    extras.push_back({deb.package, deb.version, "local", deb.spec.file.string()});
  }
  return extras;
}

}  // namespace forja::lab
