#include "lab/apt_private.hpp"

#include <utility>

#include "lab/config.hpp"
#include "lab/exec.hpp"
#include "lab/files.hpp"
#include "util/text.hpp"

namespace forja::lab {

namespace fs = std::filesystem;

std::string render_private_apt_conf(const fs::path& dir, std::string_view arch) {
  // Every directory and file apt would take from the machine, moved under `dir`.
  static constexpr std::pair<const char*, const char*> k_private[] = {
      {"Dir::Etc::parts", "apt.conf.d"},
      {"Dir::Etc::SourceList", "sources.list"},
      {"Dir::Etc::SourceParts", "sources.list.d"},
      {"Dir::Etc::Preferences", "preferences"},
      {"Dir::Etc::PreferencesParts", "preferences.d"},
      {"Dir::Etc::Trusted", "trusted.gpg"},
      {"Dir::Etc::TrustedParts", "trusted.gpg.d"},
      {"Dir::State::Lists", "lists"},
      {"Dir::State::status", "status"},
      {"Dir::State::extended_states", "extended_states"},
      {"Dir::Cache", "cache"},
  };
  std::string text =
      "// written by forja lab: a private apt for building the lab's repository\n"
      "Dir::Etc::main \"/dev/null\";\n";
  for (const auto& [key, rel] : k_private) {
    text += std::string(key) + " \"" + (dir / rel).string() + "\";\n";
  }
  std::string a(arch);
  text += "APT::Default-Release \"" + std::string(k_suite) + "\";\n";
  text += "APT::Architecture \"" + a + "\";\n";
  text += "APT::Architectures { \"" + a + "\"; };\n";
  text += "Acquire::Languages \"none\";\n";
  return text;
}

std::string render_private_sources(const std::vector<std::string>& other_suites,
                                   const fs::path& local_dir) {
  auto line = [](std::string_view suite) {
    return "deb [signed-by=" + std::string(k_archive_keyring) + "] " + std::string(k_mirror) + " " +
           std::string(suite) + " main\n";
  };
  std::string text = line(k_suite);
  for (const auto& suite : other_suites) text += line(suite);
  if (!local_dir.empty()) text += "deb [trusted=yes] file:" + local_dir.string() + " ./\n";
  return text;
}

Result<std::string> machine_arch() {
  auto arch = run_checked({"dpkg", "--print-architecture"});
  if (!arch) return std::unexpected(arch.error());
  return trim(arch->out);
}

Result<PrivateApt> PrivateApt::prepare(const fs::path& dir, std::vector<std::string> other_suites,
                                       const std::vector<LocalDeb>& local_debs) {
  std::error_code ec;
  if (!fs::is_regular_file(k_archive_keyring, ec)) {
    return fail("no Debian archive keyring at " + std::string(k_archive_keyring) +
                " to check the mirror's signatures: apt-get install debian-archive-keyring");
  }
  auto arch = machine_arch();
  if (!arch) return std::unexpected(arch.error());
  for (auto sub : {"apt.conf.d", "sources.list.d", "preferences.d", "trusted.gpg.d",
                   "lists/partial", "cache/archives/partial"}) {
    if (auto m = make_dirs(dir / sub); !m) return std::unexpected(m.error());
  }
  if (!fs::exists(dir / "status", ec)) {
    if (auto w = write_file_atomic(dir / "status", ""); !w) return std::unexpected(w.error());
  }

  // Local files: a flat repository of links to them, indexed like any other.
  auto local = dir / "local";
  if (auto r = remove_tree(local); !r) return std::unexpected(r.error());
  if (!local_debs.empty()) {
    if (auto m = make_dirs(local); !m) return std::unexpected(m.error());
    for (const auto& deb : local_debs) {
      auto name = deb.file_name();
      fs::copy_file(deb.spec.file, local / name, fs::copy_options::overwrite_existing, ec);
      if (ec) return fail("cannot copy " + deb.spec.file.string() + ": " + ec.message());
      fs::permissions(local / name, fs::perms(0644), ec);  // apt reads it as _apt
    }
    auto index = lab::run_checked({"env", "-C", local.string(), "dpkg-scanpackages", "-m", "."});
    if (!index) return std::unexpected(index.error());
    if (auto w = write_file_atomic(local / "Packages", index->out); !w) {
      return std::unexpected(w.error());
    }
  }

  if (auto w = write_file_atomic(dir / "apt.conf", render_private_apt_conf(dir, *arch)); !w) {
    return std::unexpected(w.error());
  }
  if (auto w = write_file_atomic(
          dir / "sources.list",
          render_private_sources(other_suites, local_debs.empty() ? fs::path() : local));
      !w) {
    return std::unexpected(w.error());
  }
  return PrivateApt(dir, std::move(other_suites), std::move(*arch));
}

ProcessOptions PrivateApt::with_config(ProcessOptions options) const {
  options.extra_env["APT_CONFIG"] = (m_dir / "apt.conf").string();
  options.extra_env["LC_ALL"] = "C.UTF-8";
  return options;
}

Result<ProcessResult> PrivateApt::run(std::vector<std::string> argv, ProcessOptions options) const {
  return run_process(argv, with_config(std::move(options)));
}

Result<ProcessResult> PrivateApt::run_checked(std::vector<std::string> argv,
                                              ProcessOptions options) const {
  return lab::run_checked(argv, with_config(std::move(options)));
}

}  // namespace forja::lab
