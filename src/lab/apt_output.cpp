#include "lab/apt_output.hpp"

#include <algorithm>
#include <charconv>

#include "util/text.hpp"

namespace forja::lab {

std::vector<std::string> parse_dependency_closure(std::string_view apt_cache_out) {
  std::vector<std::string> names;
  for (const auto& line : split_lines(apt_cache_out)) {
    if (line.empty() || line.front() == ' ' || line.front() == '<') continue;
    auto name = trim(line);
    if (name.empty()) continue;
    names.push_back(name);
  }
  std::ranges::sort(names);
  auto dup = std::ranges::unique(names);
  names.erase(dup.begin(), dup.end());
  return names;
}

namespace {

// Whitespace-separated words.
std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

}  // namespace

std::vector<AptVersion> parse_madison(std::string_view madison_out) {
  std::vector<AptVersion> versions;
  for (const auto& line : split_lines(madison_out)) {
    auto fields = split(line, '|');
    if (fields.size() != 3) continue;
    // "URI DIST/COMPONENT ARCH Packages" (binary) or "URI DIST/COMPONENT Sources" (source).
    auto index = words(fields[2]);
    if (index.size() < 3 || index.back() != "Packages") continue;
    auto dist = index[1];
    auto name = trim(fields[0]);
    auto version = trim(fields[1]);
    if (name.empty() || version.empty()) continue;
    auto suite = dist.substr(0, dist.find('/'));  // "./" of a flat repository gives "."
    versions.push_back({name, version, suite});
  }
  return versions;
}

std::vector<AptDownload> parse_print_uris(std::string_view print_uris_out) {
  std::vector<AptDownload> downloads;
  for (const auto& line : split_lines(print_uris_out)) {
    auto fields = words(line);
    if (fields.size() != 4 || fields[0].size() < 2 || fields[0].front() != '\'' ||
        fields[0].back() != '\'') {
      continue;
    }
    AptDownload d;
    d.uri = fields[0].substr(1, fields[0].size() - 2);
    d.file = fields[1];
    const auto& size = fields[2];
    auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), d.size);
    if (ec != std::errc() || end != size.data() + size.size()) continue;
    if (fields[3].starts_with("SHA256:")) d.sha256 = fields[3].substr(7);
    downloads.push_back(std::move(d));
  }
  return downloads;
}

std::vector<std::string> suites_without_release(std::string_view update_out,
                                                const std::vector<std::string>& suites) {
  std::vector<std::string> missing;
  for (const auto& line : split_lines(update_out)) {
    if (line.find("does not have a Release file") == std::string::npos) continue;
    auto words_of_line = words(line);
    for (std::size_t i = 1; i < words_of_line.size(); ++i) {
      if (words_of_line[i] != "Release'") continue;
      const auto& suite = words_of_line[i - 1];
      if (std::ranges::find(suites, suite) != suites.end() &&
          std::ranges::find(missing, suite) == missing.end()) {
        missing.push_back(suite);
      }
    }
  }
  return missing;
}

}  // namespace forja::lab
