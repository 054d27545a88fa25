#include "lab/repo.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>

#include "lab/exec.hpp"
#include "lab/files.hpp"
#include "lab/repo_plan.hpp"
#include "lab/repo_stamp.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"

namespace forja::lab {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* k_stamp_file = "forja-repo-packages";
constexpr const char* k_manifest_file = "forja-repo.manifest";
constexpr const char* k_closure_options[] = {"--no-recommends", "--no-suggests", "--no-conflicts",
                                             "--no-breaks",     "--no-replaces", "--no-enhances"};

ProcessOptions slow() {
  ProcessOptions options;
  options.timeout = std::chrono::minutes(30);
  return options;
}

std::string utc(std::chrono::system_clock::time_point when) {
  auto t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::size_t count_debs(const fs::path& dir) {
  std::error_code ec;
  std::size_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".deb") ++n;
  }
  return n;
}

bool has_size(const fs::path& file, std::uintmax_t size) {
  std::error_code ec;
  return fs::is_regular_file(file, ec) && fs::file_size(file, ec) == size;
}

// `from` at `to` as a hard link (the pool and the repository share a file system), else a copy.
Result<void> link_or_copy(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::remove(to, ec);
  fs::create_hard_link(from, to, ec);
  if (ec) fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return fail("cannot put " + from.string() + " at " + to.string() + ": " + ec.message());
  return {};
}

std::vector<std::string> other_suites(const std::vector<PackageSpec>& debian) {
  std::vector<std::string> suites;
  for (const auto& spec : debian) {
    if (spec.suite != k_suite && std::ranges::find(suites, spec.suite) == suites.end()) {
      suites.push_back(spec.suite);
    }
  }
  std::ranges::sort(suites);
  return suites;
}

// The built-in packages from k_suite, asked by name, and the image's.
std::vector<std::string> built_in_roots() {
  std::vector<std::string> roots;
  for (const auto& spec : built_in_specs(repo_packages())) {
    if (spec.suite == k_suite) roots.push_back(spec.name);
  }
  roots.insert(roots.end(), image_packages().begin(), image_packages().end());
  return roots;
}

// The Debian extras and the built-in packages from another suite ("consul/bullseye"): both are
// resolved, checked and downloaded from their suite; only the extras are listed as such.
std::vector<PackageSpec> from_named_suites(std::vector<PackageSpec> debian_extras) {
  for (auto& spec : built_in_specs(repo_packages())) {
    if (spec.suite != k_suite) debian_extras.push_back(std::move(spec));
  }
  return debian_extras;
}

// A close name to a missing one among the packages apt knows that start like it.
std::string suggestion_for(const PrivateApt& apt, const std::string& name) {
  auto known =
      apt.run({"apt-cache", "pkgnames", name.substr(0, std::min<std::size_t>(3, name.size()))});
  if (!known || known->exit_status != 0) return "";
  return closest_match(name, split_lines(known->out)).value_or("");
}

// Bad input when an extra is in none of the fetched indexes where it was asked for.
Result<void> check_debian_extras(const PrivateApt& apt, const std::vector<PackageSpec>& debian) {
  if (debian.empty()) return {};
  std::vector<std::string> argv = {"apt-cache", "madison"};
  for (const auto& spec : debian) argv.push_back(spec.name);
  auto madison = apt.run_checked(argv);
  if (!madison) return std::unexpected(madison.error());
  auto missing = find_missing(debian, parse_madison(madison->out));
  if (missing.empty()) return {};
  for (auto& m : missing) {
    if (m.found_in.empty()) m.suggestion = suggestion_for(apt, m.spec.name);
  }
  return bad_input(missing_packages_message(missing));
}

// Bad input when a local file depends on something no fetched index (nor another file) has.
Result<void> check_local_depends(const PrivateApt& apt, const std::vector<LocalDeb>& local) {
  if (local.empty()) return {};
  std::vector<std::string> argv = {"apt-cache", "depends"};
  argv.insert(argv.end(), std::begin(k_closure_options), std::end(k_closure_options));
  for (const auto& deb : local) argv.push_back(deb.package);
  auto depends = apt.run_checked(argv);
  if (!depends) return std::unexpected(depends.error());
  auto problems = unsatisfiable_depends(depends->out);
  if (problems.empty()) return {};
  std::string text = "a local package depends on what neither Debian " + std::string(k_suite);
  for (const auto& suite : apt.other_suites()) text += ", " + suite;
  text += " nor the other named files have (nothing was built or changed):";
  for (const auto& problem : problems) {
    auto package = problem.substr(0, problem.find(' '));
    auto deb = std::ranges::find(local, package, &LocalDeb::package);
    text += "\n  " +
            (deb != local.end() ? "'" + deb->spec.name + "' (" + deb->spec.origin + "): "
                                : std::string()) +
            problem;
  }
  return bad_input(text);
}

}  // namespace

Result<WantedRepo> wanted_repo(const std::vector<PackageSpec>& extras) {
  WantedRepo wanted;
  for (const auto& spec : extras) {
    if (spec.kind == PackageSpec::Kind::debian) {
      wanted.debian.push_back(spec);
      continue;
    }
    auto deb = inspect_local_deb(spec);
    if (!deb) return std::unexpected(deb.error());
    wanted.local.push_back(std::move(*deb));
  }
  if (!wanted.local.empty()) {
    auto arch = machine_arch();
    if (!arch) return std::unexpected(arch.error());
    if (auto c = check_local_debs(wanted.local, *arch); !c) return std::unexpected(c.error());
  }
  wanted.stamp = render_repo_stamp(repo_packages(), wanted.debian, wanted.local);
  return wanted;
}

std::optional<std::string> held_stamp(const LabPaths& paths) {
  if (!repo_exists(paths)) return std::nullopt;
  auto stamp = read_file(paths.repo() / k_stamp_file);
  if (!stamp) return std::nullopt;
  return *stamp;
}

bool repo_exists(const LabPaths& paths) {
  std::error_code ec;
  return fs::is_regular_file(paths.repo() / "Packages", ec);
}

std::string repo_id(const LabPaths& paths) {
  auto index = read_file(paths.repo() / "Packages");
  return index ? sha256_hex(*index) : std::string();
}

Result<ResolvedRepo> resolve_repo(const LabPaths& paths, WantedRepo wanted,
                                  const Progress& progress) {
  auto started = Clock::now();
  const auto debian = from_named_suites(wanted.debian);
  auto suites = other_suites(debian);
  std::string from = std::string(k_suite);
  for (const auto& s : suites) from += ", " + s;
  progress("lab: resolving the repository's packages (" +
           std::to_string(repo_packages().size() + wanted.debian.size()) + " from Debian " + from +
           ", " + std::to_string(wanted.local.size()) + " local) with a private apt in " +
           paths.apt().string());
  auto apt = PrivateApt::prepare(paths.apt(), suites, wanted.local);
  if (!apt) return std::unexpected(apt.error());

  auto update = apt->run({"apt-get", "update", "-q"}, slow());
  if (!update) return std::unexpected(update.error());
  if (update->exit_status != 0) {
    auto output = update->out + "\n" + update->err;
    if (auto missing = suites_without_release(output, suites); !missing.empty()) {
      return bad_input(missing_suites_message(missing, debian));
    }
    return fail("apt-get update of the lab's private lists (" + paths.apt().string() + ") exited " +
                std::to_string(update->exit_status) + " (is " + std::string(k_mirror) +
                " reachable?):\n" + last_lines(output, 8));
  }
  if (auto c = check_debian_extras(*apt, debian); !c) return std::unexpected(c.error());
  if (auto c = check_local_depends(*apt, wanted.local); !c) return std::unexpected(c.error());

  std::vector<std::string> depends = {"apt-cache", "depends", "--recurse"};
  depends.insert(depends.end(), std::begin(k_closure_options), std::end(k_closure_options));
  auto roots = closure_roots(built_in_roots(), debian, wanted.local);
  depends.insert(depends.end(), roots.begin(), roots.end());
  auto closure = apt->run_checked(depends);
  if (!closure) return std::unexpected(closure.error());
  auto names = download_names(parse_dependency_closure(closure->out), debian, wanted.local);

  std::vector<std::string> uris = {"apt-get", "download", "--print-uris", "-q"};
  uris.insert(uris.end(), names.begin(), names.end());
  auto printed = apt->run_checked(uris);
  if (!printed) return std::unexpected(printed.error());
  auto downloads = parse_print_uris(printed->out);
  return ResolvedRepo{std::move(wanted), std::move(*apt), std::move(downloads), std::move(names),
                      started};
}

Result<void> build_repo(const LabPaths& paths, const ResolvedRepo& resolved,
                        const Progress& progress) {
  if (auto m = make_dirs(paths.pool()); !m) return m;
  // What the pool lacks: taken from the repository in place when it has it, else downloaded.
  std::map<std::string, std::string> download_name;  // package -> name for apt-get download
  for (const auto& n : resolved.names) download_name[n.substr(0, n.find('/'))] = n;
  std::vector<std::string> fetch;
  for (const auto& d : resolved.downloads) {
    auto pooled = paths.pool() / d.file;
    if (has_size(pooled, d.size)) continue;
    if (auto held = paths.repo() / d.file; has_size(held, d.size)) {
      if (auto l = link_or_copy(held, pooled); !l) return l;
      continue;
    }
    auto package = deb_file_name_version(d.file).first;
    auto name = download_name.find(package);
    fetch.push_back(name != download_name.end() ? name->second : package);
  }
  progress("lab: repository: " +
           std::to_string(resolved.downloads.size() + resolved.wanted.local.size()) +
           " packages, " + std::to_string(fetch.size()) + " to download");
  if (!fetch.empty()) {
    std::vector<std::string> argv = {"env",     "-C",       paths.pool().string(),
                                     "apt-get", "download", "-q"};
    argv.insert(argv.end(), fetch.begin(), fetch.end());
    if (auto r = resolved.apt.run_checked(argv, slow()); !r) {
      return std::unexpected(r.error());
    }
  }

  auto tmp = paths.cache / "repo.tmp";
  if (auto removed = remove_tree(tmp); !removed) return removed;
  if (auto made = make_dirs(tmp); !made) return made;
  for (const auto& d : resolved.downloads) {
    auto pooled = paths.pool() / d.file;
    if (!has_size(pooled, d.size)) {
      return fail("apt-get download left no " + d.file + " of " + std::to_string(d.size) +
                  " bytes in " + paths.pool().string());
    }
    if (auto l = link_or_copy(pooled, tmp / d.file); !l) return l;
  }
  for (const auto& deb : resolved.wanted.local) {
    std::error_code ec;
    fs::copy_file(deb.spec.file, tmp / deb.file_name(), fs::copy_options::overwrite_existing, ec);
    if (ec) return fail("cannot copy " + deb.spec.file.string() + ": " + ec.message());
    fs::permissions(tmp / deb.file_name(), fs::perms(0644), ec);
  }
  auto index = run_checked({"env", "-C", tmp.string(), "dpkg-scanpackages", "-m", "."});
  if (!index) return std::unexpected(index.error());
  if (auto w = write_file_atomic(tmp / "Packages", index->out); !w) return w;
  if (auto w = write_file_atomic(tmp / k_stamp_file, resolved.wanted.stamp); !w) return w;
  RepoManifest manifest;
  manifest.built = utc(std::chrono::system_clock::now());
  manifest.seconds =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - resolved.started).count();
  manifest.packages = count_debs(tmp);
  manifest.extras =
      manifest_extras(resolved.wanted.debian, resolved.wanted.local, resolved.downloads);
  if (auto w = write_file_atomic(tmp / k_manifest_file, render_repo_manifest(manifest)); !w) {
    return w;
  }

  // Replace an older repository (its package list changed) only once the new one is complete.
  auto old = paths.cache / "repo.old";
  if (auto removed = remove_tree(old); !removed) return removed;
  std::error_code ec;
  if (fs::exists(paths.repo())) fs::rename(paths.repo(), old, ec);
  if (!ec) fs::rename(tmp, paths.repo(), ec);
  if (ec) return fail("cannot rename " + tmp.string() + ": " + ec.message());
  if (auto removed = remove_tree(old); !removed) return removed;
  progress("lab: repository ready: " + paths.repo().string() + ", " +
           std::to_string(manifest.packages) + " packages, built in " +
           std::to_string(manifest.seconds) + " s");
  return {};
}

Result<std::optional<RepoManifest>> repo_status(const LabPaths& paths) {
  if (!repo_exists(paths)) return std::optional<RepoManifest>();
  std::error_code ec;
  if (fs::exists(paths.repo() / k_manifest_file, ec)) {
    auto text = read_file(paths.repo() / k_manifest_file);
    if (!text) return std::unexpected(text.error());
    auto manifest = parse_repo_manifest(*text, (paths.repo() / k_manifest_file).string());
    if (!manifest) return std::unexpected(manifest.error());
    return std::optional<RepoManifest>(std::move(*manifest));
  }
  // Built by a forja before manifests: what the directory itself says.
  RepoManifest manifest;
  auto written = fs::last_write_time(paths.repo() / "Packages", ec);
  if (!ec) {
    manifest.built = utc(std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        std::chrono::file_clock::to_sys(written)));
  }
  manifest.packages = count_debs(paths.repo());
  return std::optional<RepoManifest>(std::move(manifest));
}

}  // namespace forja::lab
