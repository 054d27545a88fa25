#include "lab/repo_manifest.hpp"

#include <charconv>

#include "lab/entries.hpp"
#include "util/text.hpp"

namespace forja::lab {

namespace {

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string render_repo_manifest(const RepoManifest& manifest) {
  std::string text =
      "# forja lab repository: what it was built with (shown by forja lab status)\n"
      "built " +
      manifest.built + "\nseconds " + std::to_string(manifest.seconds) + "\npackages " +
      std::to_string(manifest.packages) + "\n";
  for (const auto& e : manifest.extras) {
    text += "extra " + e.name + " " + e.version + " " + e.suite;
    if (!e.file.empty()) text += " " + e.file;
    text += "\n";
  }
  return text;
}

Result<RepoManifest> parse_repo_manifest(std::string_view text, std::string_view origin) {
  RepoManifest manifest;
  auto read = for_each_entry(
      text, origin, [&](const std::string& line, const std::string& where) -> Result<void> {
        auto space = line.find(' ');
        auto key = line.substr(0, space);
        auto value = space == std::string::npos ? std::string() : line.substr(space + 1);
        if (key == "built") {
          manifest.built = value;
        } else if (key == "seconds") {
          if (!parse_number(value, manifest.seconds))
            return fail(where + "bad seconds '" + value + "'");
        } else if (key == "packages") {
          if (!parse_number(value, manifest.packages)) {
            return fail(where + "bad package count '" + value + "'");
          }
        } else if (key == "extra") {
          // NAME VERSION SUITE [FILE], the file being the rest of the line (it may hold spaces).
          auto fields = split(value, ' ');
          if (fields.size() < 3) return fail(where + "expected 'extra NAME VERSION SUITE [FILE]'");
          RepoExtra extra{fields[0], fields[1], fields[2], ""};
          if (fields.size() > 3) {
            extra.file = value.substr(fields[0].size() + fields[1].size() + fields[2].size() + 3);
          }
          manifest.extras.push_back(std::move(extra));
        }  // other keys: written by a newer forja; ignored
        return {};
      });
  if (!read) return std::unexpected(read.error());
  return manifest;
}

}  // namespace forja::lab
