#include "lab/package_spec.hpp"

#include <algorithm>
#include <cctype>

#include "lab/config.hpp"
#include "util/text.hpp"

namespace forja::lab {

namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string lowercase(std::string_view word) {
  std::string out(word);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string in_quotes(std::string_view word) { return "'" + std::string(word) + "'"; }

// Why a word is not a package name, with the lower-case spelling when that one would do.
std::string bad_name(std::string_view word, std::string_view what) {
  std::string hint;
  if (auto lower = lowercase(what); lower != what && is_debian_package_name(lower)) {
    hint = " (did you mean '" + lower + "'?)";
  }
  auto subject = word == what ? in_quotes(word) : in_quotes(word) + ": " + in_quotes(what);
  return subject +
         " is not a Debian package name (lowercase letters, digits, '+', '-' and '.', "
         "starting with a letter or digit)" +
         hint;
}

}  // namespace

std::string PackageSpec::text() const {
  if (kind == Kind::local_deb) return name;
  return suite == k_suite ? name : name + "/" + suite;
}

std::string PackageSpec::key() const {
  if (kind == Kind::local_deb) return "file:" + file.string();
  return text();
}

bool is_debian_package_name(std::string_view word) {
  if (word.size() < 2 || !is_lower_alnum(word.front())) return false;
  return std::ranges::all_of(
      word, [](char c) { return is_lower_alnum(c) || c == '+' || c == '-' || c == '.'; });
}

bool is_debian_suite_name(std::string_view word) {
  if (word.empty() || word.front() < 'a' || word.front() > 'z') return false;
  return std::ranges::all_of(word, [](char c) { return is_lower_alnum(c) || c == '-'; });
}

Result<PackageSpec> parse_package_spec(std::string_view word,
                                       const std::filesystem::path& base_dir) {
  if (word.empty()) return bad_input("an empty package name");
  PackageSpec spec;
  if (word.ends_with(".deb")) {
    spec.kind = PackageSpec::Kind::local_deb;
    spec.name = std::string(word);
    std::filesystem::path path(word);
    spec.file = (path.is_absolute() ? path : base_dir / path).lexically_normal();
    return spec;
  }
  auto slash = word.find('/');
  auto name = word.substr(0, slash);
  if (slash != std::string_view::npos) {
    auto suite = word.substr(slash + 1);
    if (suite.find('/') != std::string_view::npos || suite.empty()) {
      return bad_input(in_quotes(word) +
                       ": a package from another Debian suite is written NAME/SUITE (e.g. "
                       "consul/bullseye); a local package file ends in .deb");
    }
    if (!is_debian_suite_name(suite)) {
      return bad_input(in_quotes(word) + ": " + in_quotes(suite) +
                       " is not a Debian suite name (e.g. bullseye, trixie, bookworm-backports)");
    }
    spec.suite = std::string(suite);
  } else {
    spec.suite = std::string(k_suite);
  }
  if (!is_debian_package_name(name)) return bad_input(bad_name(word, name));
  spec.name = std::string(name);
  return spec;
}

Result<std::vector<PackageSpec>> parse_package_list(std::string_view list, std::string_view origin,
                                                    const std::filesystem::path& base_dir) {
  std::vector<PackageSpec> specs;
  for (const auto& item : split(list, ',')) {
    auto word = trim(item);
    if (word.empty()) {
      return bad_input(std::string(origin) + ": an empty name in " + in_quotes(list) +
                       " (names are separated by single commas)");
    }
    auto spec = parse_package_spec(word, base_dir);
    if (!spec) return bad_input(std::string(origin) + ": " + spec.error().message);
    spec->origin = std::string(origin);
    specs.push_back(std::move(*spec));
  }
  return specs;
}

std::vector<PackageSpec> built_in_specs(const std::vector<std::string>& built_in) {
  std::vector<PackageSpec> specs;
  for (const auto& entry : built_in) {
    auto spec = parse_package_spec(entry, {});
    if (!spec) {
      spec = PackageSpec{};
      spec->name = entry;
      spec->suite = std::string(k_suite);
    }
    spec->origin = "built-in list";
    specs.push_back(std::move(*spec));
  }
  return specs;
}

Result<std::vector<PackageSpec>> merge_package_specs(std::vector<PackageSpec> specs,
                                                     const std::vector<std::string>& built_in) {
  const auto built_in_list = built_in_specs(built_in);
  std::ranges::stable_sort(specs, {}, &PackageSpec::key);
  std::vector<PackageSpec> merged;
  for (auto& spec : specs) {
    if (!merged.empty() && merged.back().key() == spec.key()) continue;
    auto held = spec.kind == PackageSpec::Kind::debian
                    ? std::ranges::find(built_in_list, spec.name, &PackageSpec::name)
                    : built_in_list.end();
    if (held != built_in_list.end() && held->suite == spec.suite) continue;
    if (held != built_in_list.end()) {
      return bad_input(in_quotes(spec.text()) + " (" + spec.origin + "): " + spec.name +
                       " is in the lab's built-in list, from " + held->suite +
                       "; another suite's version cannot replace it");
    }
    merged.push_back(std::move(spec));
  }
  for (std::size_t i = 0; i < merged.size(); ++i) {
    for (std::size_t j = i + 1; j < merged.size(); ++j) {
      const auto& a = merged[i];
      const auto& b = merged[j];
      if (a.kind != PackageSpec::Kind::debian || b.kind != PackageSpec::Kind::debian ||
          a.name != b.name) {
        continue;
      }
      return bad_input(a.name + " is named from two suites: " + in_quotes(a.text()) + " (" +
                       a.origin + ") and " + in_quotes(b.text()) + " (" + b.origin +
                       "); the repository holds one version: name one");
    }
  }
  return merged;
}

}  // namespace forja::lab
