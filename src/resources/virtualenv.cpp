// virtualenv: a Python venv at a path, owned by a user, with pip requirements. Never recreated
// once it exists (a running service may use it); "changed" only when something was missing.
#include "resources/virtualenv.hpp"

#include "resources/resource.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

// $1 = venv path, $2 = python for a new venv, $3 = requirements file ("" for none),
// $4 = "1" when the venv should see the system site packages, $5 = the declared owner.
// Lists what an interpreter sees on sys.path ("venv|system NAME VERSION", ended by @@end),
// as pip does when it decides "already satisfied": the NAME-VERSION.dist-info and .egg-info
// entries of every sys.path directory, in order (reading their names only: parsing every
// METADATA file costs ~70 ms more per host). Runs python -I -B: no cwd, no user site, no
// environment, no .pyc written; pip itself is not run (slow, and it writes caches).
// The venv's interpreter, its site-packages and .pth files belong to its owner: they run as
// that owner (the first one of the venv's own files that is not root's), never as root.
constexpr const char* k_probe = R"SH(v=$1
list='import os, re, sys
v = os.path.realpath(sys.argv[1]) + os.sep
m = re.compile(r"^(.+?)-([0-9][^-]*?)(-py[0-9][^-]*)?[.](dist|egg)-info$").match
for d in sys.path:
    try:
        names = os.listdir(d)
    except OSError:
        continue
    where = "venv" if (os.path.realpath(d) + os.sep).startswith(v) else "system"
    for n in names:
        f = m(n)
        if f:
            print("%s %s %s" % (where, f.group(1), f.group(2)))
print("@@end")'
as_owner() { o=$1; shift; if [ -n "$o" ] && [ "$o" != root ] && id -u -- "$o" >/dev/null 2>&1; then runuser -u "$o" -- "$@"; else "$@"; fi; }
site= owner=
if [ -f "$v/pyvenv.cfg" ] || [ -e "$v/bin/python" ] || [ -L "$v/bin/python" ]; then
  echo exists=1
  site=$(sed -n 's/^include-system-site-packages *= *//p' "$v/pyvenv.cfg" 2>/dev/null | tr 'A-Z' 'a-z')
  echo "system_site=$site"
  for f in "$v" "$v/bin" "$v/bin/python" "$v/lib" "$v/pyvenv.cfg"; do
    o=$(stat -c %U -- "$f" 2>/dev/null) || continue
    if [ "$o" != root ]; then owner=$o; break; fi
  done
else
  echo exists=0
fi
if [ -n "$3" ]; then
  if [ -f "$3" ]; then echo "req_sha=$(sha256sum < "$3" | cut -d' ' -f1)"; else echo req=missing; fi
  if [ -f "$v/.forja-requirements.sha256" ]; then echo "recorded_sha=$(cat "$v/.forja-requirements.sha256")"; fi
fi
base=$2
if [ -e "$v/bin/python" ]; then
  echo @@venv
  as_owner "$owner" "$v/bin/python" -I -B -c "$list" "$v" </dev/null
  base=$(readlink -f "$v/bin/python")
fi
if [ "$4" = 1 ] && [ "$site" != true ]; then
  echo @@base
  as_owner "${owner:-$5}" "$base" -I -B -c "$list" "$v" </dev/null
fi
exit 0)SH";

// $1 = venv path, $2 = "true"/"false": set include-system-site-packages in place.
constexpr const char* k_set_site = R"SH(cfg=$1/pyvenv.cfg
if grep -q '^include-system-site-packages *=' "$cfg"; then
  sed -i "s/^include-system-site-packages *=.*/include-system-site-packages = $2/" "$cfg"
else
  printf 'include-system-site-packages = %s\n' "$2" >> "$cfg"
fi)SH";

// $1 = sha256, $2 = where to record it.
constexpr const char* k_record = R"SH(printf '%s\n' "$1" > "$2")SH";

class Virtualenv final : public Resource {
 public:
  Virtualenv(std::string path, std::string user, std::string python, bool system_site,
             std::vector<Requirement> packages, std::string requirements)
      : m_path(std::move(path)), m_user(std::move(user)), m_python(std::move(python)),
        m_system_site(system_site), m_packages(std::move(packages)),
        m_requirements(std::move(requirements)) {}

  std::vector<Probe> probes(const Platform&) const override {
    return {Probe{{"sh", "-c", k_probe, "forja-venv", m_path, m_python, m_requirements,
                   m_system_site ? "1" : "0", m_user}}};
  }

  std::vector<std::string> manages() const override { return {"path " + m_path}; }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    auto s = parse_venv_probe(outputs.at(0).out);
    Change change;
    std::vector<std::string> what;
    bool unknown = false;
    const std::string site_word = m_system_site ? "true" : "false";
    if (!s.exists) {
      auto parent = m_path.substr(0, m_path.find_last_of('/'));
      if (!parent.empty()) change.commands.push_back(as_user({"mkdir", "-p", "--", parent}));
      std::vector<std::string> argv = {m_python, "-m", "venv"};
      if (m_system_site) argv.push_back("--system-site-packages");
      argv.push_back(m_path);
      change.commands.push_back(as_user(argv));
      what.push_back("create venv " + m_path + (m_system_site ? " (system site packages)" : ""));
    } else if (s.system_site != site_word) {
      // Flip the flag in place: recreating a venv under a running service breaks it.
      change.commands.push_back(as_user({"sh", "-c", k_set_site, "forja-venv", m_path, site_word}));
      what.push_back("venv " + m_path + ": include-system-site-packages " +
                     (s.system_site.empty() ? "unset" : s.system_site) + " -> " + site_word +
                     " (in place)");
    }

    // What pip will see once the venv has the desired setting: its own packages first, then
    // the system's when enabled.
    bool pip_seen = s.venv_packages.contains("pip") ||
                    (m_system_site && s.system_packages.contains("pip"));
    std::vector<std::string> to_install, notes;
    for (const auto& r : m_packages) {
      std::string where;
      const std::string* version = nullptr;
      if (auto it = s.venv_packages.find(r.name); it != s.venv_packages.end()) {
        version = &it->second;
        where = " in the venv";
      } else if (m_system_site) {
        if (auto sys = s.system_packages.find(r.name); sys != s.system_packages.end()) {
          version = &sys->second;
          where = " from system site packages";
        }
      }
      if (version && satisfies(*version, r)) {
        notes.push_back(r.text + " (seen " + *version + where + ": satisfied)");
      } else {
        to_install.push_back(r.text);
        if (version) {
          notes.push_back(r.text + " (seen " + *version + where + ": install)");
        } else if (s.exists && !s.venv_listed) {
          notes.push_back(r.text + " (the venv's python could not list its packages: install)");
        } else if (m_system_site && !s.system_listed) {
          notes.push_back(r.text + " (" + m_python + " cannot list system site packages yet: install)");
        } else {
          notes.push_back(r.text + " (not installed: install)");
        }
      }
    }
    if (!to_install.empty()) {
      if (s.exists && s.venv_listed && !pip_seen) {
        // A venv made while python3-venv was missing has no pip: bootstrap it, don't recreate.
        change.commands.push_back(as_user({m_path + "/bin/python", "-m", "ensurepip"}));
        what.push_back("bootstrap pip");
      }
      change.commands.push_back(as_user(pip_install(to_install)));
    }
    if (!notes.empty()) what.push_back((to_install.empty() ? "packages: " : "pip install: ") + join(notes));

    if (!m_requirements.empty()) {
      if (!s.requirements_present) {
        // Maybe an earlier state creates it: apply re-plans, and fails if it is still missing.
        unknown = true;
        what.push_back("requirements file " + m_requirements + " is missing");
      } else if (!s.exists || s.requirements_sha != s.recorded_sha) {
        auto args = pip_install({"-r", m_requirements});
        change.commands.push_back(as_user(args));
        change.commands.push_back(as_user({"sh", "-c", k_record, "forja-venv", s.requirements_sha,
                                           m_path + "/.forja-requirements.sha256"}));
        what.push_back("pip install -r " + m_requirements + " (sha256 " + s.requirements_sha.substr(0, 12) +
                       (s.recorded_sha.empty() ? ", not installed from it before)"
                                               : ", was " + s.recorded_sha.substr(0, 12) + ")"));
      }
    }

    if (!s.exists || !change.commands.empty() || unknown) {
      change.kind = unknown ? ChangeKind::unknown : ChangeKind::change;
      change.summary = join(what, "; ");
      return change;
    }
    change.summary = "venv " + m_path + " present" + (what.empty() ? "" : "; " + join(what, "; "));
    return change;
  }

 private:
  std::vector<std::string> pip_install(const std::vector<std::string>& what) const {
    std::vector<std::string> argv = {m_path + "/bin/python", "-m", "pip", "install", "--no-input",
                                     "--disable-pip-version-check"};
    argv.insert(argv.end(), what.begin(), what.end());
    return argv;
  }

  Command as_user(std::vector<std::string> argv) const {
    if (!m_user.empty()) argv.insert(argv.begin(), {"runuser", "-u", m_user, "--"});
    return Command{argv, "", Privilege::become};
  }

  std::string m_path, m_user, m_python;
  bool m_system_site;
  std::vector<Requirement> m_packages;
  std::string m_requirements;
};

}  // namespace

VenvStatus parse_venv_probe(std::string_view out) {
  VenvStatus s;
  enum class Section { head, venv, base } section = Section::head;
  std::map<std::string, std::string> venv, system;
  for (const auto& line : split_lines(out)) {
    if (line == "@@venv") { section = Section::venv; continue; }
    if (line == "@@base") { section = Section::base; continue; }
    if (section != Section::head) {
      if (line == "@@end") {
        // A listing counts only when the interpreter finished it.
        for (auto& [k, v] : venv) s.venv_packages.emplace(k, v);
        for (auto& [k, v] : system) s.system_packages.emplace(k, v);
        if (section == Section::venv) s.venv_listed = true;
        if (section == Section::base || s.system_site == "true") s.system_listed = true;
        venv.clear();
        system.clear();
        continue;
      }
      auto fields = split(line, ' ');
      if (fields.size() != 3) continue;
      // First wins: the venv's own site-packages come before the system's on sys.path.
      (fields[0] == "venv" ? venv : system).emplace(normalize_package_name(fields[1]), fields[2]);
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto key = line.substr(0, eq), value = trim(line.substr(eq + 1));
    if (key == "exists") s.exists = value == "1";
    if (key == "system_site") s.system_site = value;
    if (key == "req_sha") {
      s.requirements_sha = value;
      s.requirements_present = !value.empty();
    }
    if (key == "recorded_sha") s.recorded_sha = value;
  }
  return s;
}

ResourceType virtualenv_type() {
  return {"virtualenv",
          "A Python venv at a path (the state's name: virtualenvwrapper's layout is "
          "/home/USER/.virtualenvs/NAME), owned by a user, with pip packages. Never recreated; "
          "pip runs only for specs the venv does not already satisfy.",
          {{"user", ArgKind::string, false, "owner: the venv is created and pip runs as this user (runuser)"},
           {"python", ArgKind::string, false, "interpreter that creates the venv (default python3)"},
           {"system_site_packages", ArgKind::boolean, false,
            "see the system's packages (Debian's python3-flask); changed in place, never by recreating"},
           {"packages", ArgKind::string_list, false, "pip requirement specs: flask, flask>=2, requests==2.28.1"},
           {"requirements", ArgKind::string, false,
            "a requirements file on the host; installed when its sha256 differs from the last install"}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            if (a.name().empty() || a.name()[0] != '/') {
              return std::unexpected(a.error(a.type(), "the venv path must be absolute (virtualenvwrapper's "
                                                       "layout: /home/USER/.virtualenvs/NAME)"));
            }
            auto requirements = a.str("requirements");
            if (!requirements.empty() && requirements[0] != '/') {
              return std::unexpected(a.error("requirements", "the requirements file must be an absolute path on the host"));
            }
            std::vector<Requirement> packages;
            for (const auto& spec : a.list("packages")) {
              auto r = parse_requirement(spec);
              if (!r) {
                return std::unexpected(a.error("packages", "cannot read requirement '" + spec +
                                                               "' (a name, optionally [extras] and ==, >=, <=, >, <, ~=, != "
                                                               "versions; markers and URLs go in a requirements file)"));
              }
              packages.push_back(*r);
            }
            return std::make_unique<Virtualenv>(a.name(), a.str("user"), a.str("python", "python3"),
                                                a.boolean("system_site_packages", false), packages,
                                                requirements);
          }};
}

}  // namespace forja
