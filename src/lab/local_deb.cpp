#include "lab/local_deb.hpp"

#include <filesystem>

#include "lab/exec.hpp"
#include "lab/files.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"

namespace forja::lab {

namespace {
std::string culprit(const PackageSpec& spec) { return "'" + spec.name + "' (" + spec.origin + ")"; }
}  // namespace

std::string LocalDeb::stamp_line() const { return spec.key() + " " + sha256; }

std::string LocalDeb::file_name() const {
  return package + "_" + version.substr(version.find(':') + 1) + "_" + architecture + ".deb";
}

Result<LocalDeb> parse_deb_fields(const PackageSpec& spec, std::string_view dpkg_deb_out) {
  LocalDeb deb{spec, "", "", "", ""};
  for (const auto& line : split_lines(dpkg_deb_out)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto field = line.substr(0, colon);
    auto value = trim(std::string_view(line).substr(colon + 1));
    if (field == "Package") deb.package = value;
    if (field == "Version") deb.version = value;
    if (field == "Architecture") deb.architecture = value;
  }
  for (auto [field, value] : {std::pair{"Package", &deb.package},
                              {"Version", &deb.version},
                              {"Architecture", &deb.architecture}}) {
    if (value->empty()) {
      return bad_input(culprit(spec) + ": the package has no " + field + " field");
    }
  }
  return deb;
}

Result<void> check_local_debs(const std::vector<LocalDeb>& debs, std::string_view arch) {
  for (std::size_t i = 0; i < debs.size(); ++i) {
    const auto& deb = debs[i];
    if (deb.architecture != "all" && deb.architecture != arch) {
      return bad_input(culprit(deb.spec) + ": " + deb.package + " is built for " +
                       deb.architecture + "; the lab hosts run " + std::string(arch) +
                       " (or 'all')");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (debs[j].package != deb.package) continue;
      return bad_input(culprit(debs[j].spec) + " and " + culprit(deb.spec) + " are both package " +
                       deb.package + ": name one");
    }
  }
  return {};
}

Result<LocalDeb> inspect_local_deb(const PackageSpec& spec) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(spec.file, ec)) {
    return bad_input(culprit(spec) + ": no such file: " + spec.file.string());
  }
  auto fields = run_process(
      {"dpkg-deb", "--field", spec.file.string(), "Package", "Version", "Architecture"});
  if (!fields) return std::unexpected(fields.error());
  if (fields->exit_status != 0) {
    return bad_input(culprit(spec) + ": not a Debian package: " + last_lines(fields->err, 2));
  }
  auto deb = parse_deb_fields(spec, fields->out);
  if (!deb) return deb;
  auto content = read_file(spec.file);
  if (!content) return std::unexpected(content.error());
  deb->sha256 = sha256_hex(*content);
  return deb;
}

}  // namespace forja::lab
