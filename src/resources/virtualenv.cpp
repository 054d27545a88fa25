// virtualenv: a Python venv at a path, owned by a user, with pip requirements. Never recreated
// once it exists (a running service may use it); "changed" only when something was missing.
#include "resources/virtualenv.hpp"

#include <algorithm>
#include <cctype>

#include "resources/resource.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

// $1 = venv path, $2 = requirements file on the host ("" for none). Lists what the venv's
// python can import (importlib.metadata: fast, and includes system site packages when enabled).
constexpr const char* k_probe = R"SH(v=$1
if [ ! -x "$v/bin/python" ]; then echo exists=0; exit 0; fi
echo exists=1
echo "system_site=$(sed -n 's/^include-system-site-packages *= *//p' "$v/pyvenv.cfg")"
if [ -n "$2" ] && [ -f "$2" ]; then echo "req_sha=$(sha256sum < "$2" | cut -d' ' -f1)"; fi
if [ -f "$v/.forja-requirements.sha256" ]; then echo "recorded_sha=$(cat "$v/.forja-requirements.sha256")"; fi
echo @@installed
"$v/bin/python" -c 'import importlib.metadata as m
for d in m.distributions():
    print("%s==%s" % (d.metadata["Name"], d.version))' 2>/dev/null
exit 0)SH";

class Virtualenv final : public Resource {
 public:
  Virtualenv(std::string path, std::string user, std::string python, bool system_site,
             std::vector<Requirement> packages, std::string requirements)
      : m_path(std::move(path)), m_user(std::move(user)), m_python(std::move(python)),
        m_system_site(system_site), m_packages(std::move(packages)),
        m_requirements(std::move(requirements)) {}

  std::vector<Probe> probes(const Platform&) const override {
    return {Probe{{"sh", "-c", k_probe, "forja-venv", m_path, m_requirements}}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    auto s = parse_venv_probe(outputs.at(0).out);
    Change change;
    std::vector<std::string> what;
    if (!s.exists) {
      auto parent = m_path.substr(0, m_path.find_last_of('/'));
      if (!parent.empty()) change.commands.push_back(as_user({"mkdir", "-p", "--", parent}));
      std::vector<std::string> argv = {m_python, "-m", "venv"};
      if (m_system_site) argv.push_back("--system-site-packages");
      argv.push_back(m_path);
      change.commands.push_back(as_user(argv));
      what.push_back("create venv" + std::string(m_system_site ? " (system site packages)" : ""));
    } else if ((s.system_site == "true") != m_system_site) {
      // Flip the flag in place: recreating a venv under a running service breaks it.
      change.commands.push_back(Command{{"sed", "-i", std::string("s/^include-system-site-packages *=.*/include-system-site-packages = ") +
                                                      (m_system_site ? "true" : "false") + "/",
                                         m_path + "/pyvenv.cfg"},
                                        "", Privilege::become});
      what.push_back(std::string("system site packages ") + s.system_site + " -> " + (m_system_site ? "true" : "false"));
    }
    std::vector<std::string> to_install, satisfied;
    for (const auto& r : m_packages) {
      auto it = s.installed.find(r.name);
      // A fresh venv with system site packages may already see the package: decided after
      // it is created (apply re-reads the state), so plan says "if missing".
      if (it != s.installed.end() && satisfies(it->second, r)) {
        satisfied.push_back(r.name + " " + it->second);
      } else {
        to_install.push_back(r.text);
      }
    }
    if (!to_install.empty()) {
      if (s.exists || !m_system_site) {
        std::vector<std::string> argv = {m_path + "/bin/pip", "install", "--no-input",
                                         "--disable-pip-version-check"};
        argv.insert(argv.end(), to_install.begin(), to_install.end());
        change.commands.push_back(as_user(argv));
        what.push_back("pip install " + join(to_install));
      } else {
        what.push_back("pip install " + join(to_install) + " unless the system site packages have them");
      }
    }
    if (!m_requirements.empty() && (!s.exists || s.requirements_sha != s.recorded_sha)) {
      change.commands.push_back(as_user({m_path + "/bin/pip", "install", "--no-input",
                                         "--disable-pip-version-check", "-r", m_requirements}));
      change.commands.push_back(as_user({"sh", "-c", "sha256sum < \"$1\" | cut -d' ' -f1 > \"$2/.forja-requirements.sha256\"",
                                         "forja-venv", m_requirements, m_path}));
      what.push_back("pip install -r " + m_requirements + (s.exists && !s.recorded_sha.empty() ? " (changed)" : ""));
    }
    if (what.empty()) {
      change.summary = "venv present" + std::string(satisfied.empty() ? "" : "; satisfied: " + join(satisfied));
      return change;
    }
    change.kind = ChangeKind::change;
    change.summary = join(what) + " at " + m_path;
    return change;
  }

 private:
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

std::string normalize_package_name(std::string_view name) {
  std::string out;
  bool sep = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      sep = true;
      continue;
    }
    if (sep && !out.empty()) out += '-';
    sep = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<Requirement> parse_requirement(std::string_view spec) {
  Requirement r;
  r.text = trim(spec);
  auto text = r.text;
  auto semicolon = text.find(';');  // environment markers are not supported: reject
  if (semicolon != std::string::npos || text.empty()) return std::nullopt;
  std::size_t i = 0;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '-' ||
                             text[i] == '_' || text[i] == '.'))
    ++i;
  if (i == 0) return std::nullopt;
  r.name = normalize_package_name(text.substr(0, i));
  auto rest = trim(text.substr(i));
  if (!rest.empty() && rest[0] == '[') {  // extras: flask[async]
    auto close = rest.find(']');
    if (close == std::string::npos) return std::nullopt;
    rest = trim(rest.substr(close + 1));
  }
  if (rest.empty()) return r;
  for (const auto& part : split(rest, ',')) {
    auto p = trim(part);
    static const char* ops[] = {"===", "~=", "==", "!=", "<=", ">=", "<", ">"};
    bool matched = false;
    for (const char* op : ops) {
      if (starts_with(p, op)) {
        auto version = trim(p.substr(std::string_view(op).size()));
        if (version.empty()) return std::nullopt;
        r.constraints.emplace_back(op, version);
        matched = true;
        break;
      }
    }
    if (!matched) return std::nullopt;
  }
  return r;
}

int compare_versions(std::string_view a, std::string_view b) {
  auto pa = split(a, '.'), pb = split(b, '.');
  for (std::size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    auto x = i < pa.size() ? pa[i] : "0";
    auto y = i < pb.size() ? pb[i] : "0";
    long nx = std::atol(x.c_str()), ny = std::atol(y.c_str());
    if (nx != ny) return nx < ny ? -1 : 1;
    if (x != y) return x < y ? -1 : 1;  // same number, different suffix (1rc1): lexical
  }
  return 0;
}

bool satisfies(const std::string& version, const Requirement& requirement) {
  for (const auto& [op, want] : requirement.constraints) {
    int c = compare_versions(version, want);
    bool ok = op == "==" || op == "===" ? c == 0
              : op == "!="              ? c != 0
              : op == ">="              ? c >= 0
              : op == "<="              ? c <= 0
              : op == ">"               ? c > 0
              : op == "<"               ? c < 0
                                        : false;
    if (op == "~=") {  // compatible release: >= want and same prefix minus the last component
      auto parts = split(want, '.');
      std::string prefix;
      for (std::size_t i = 0; i + 1 < parts.size(); ++i) prefix += (i ? "." : "") + parts[i];
      ok = c >= 0 && (prefix.empty() || compare_versions(version.substr(0, prefix.size()), prefix) == 0);
    }
    if (!ok) return false;
  }
  return true;
}

VenvStatus parse_venv_probe(std::string_view out) {
  VenvStatus s;
  bool installed = false;
  for (const auto& line : split_lines(out)) {
    if (line == "@@installed") { installed = true; continue; }
    if (installed) {
      auto eq = line.find("==");
      if (eq != std::string::npos) {
        auto name = normalize_package_name(line.substr(0, eq));
        // First wins: the venv's own site-packages come before the system's on sys.path.
        s.installed.emplace(name, trim(line.substr(eq + 2)));
      }
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto key = line.substr(0, eq), value = trim(line.substr(eq + 1));
    if (key == "exists") s.exists = value == "1";
    if (key == "system_site") s.system_site = value;
    if (key == "req_sha") s.requirements_sha = value;
    if (key == "recorded_sha") s.recorded_sha = value;
  }
  return s;
}

ResourceType virtualenv_type() {
  return {"virtualenv",
          "A Python virtualenv at a path (the state's name), owned by a user, with pip packages. "
          "Never recreated; pip runs only for requirements not already satisfied.",
          {{"user", ArgKind::string, false, "owner: the venv is created and pip runs as this user"},
           {"python", ArgKind::string, false, "interpreter (default python3)"},
           {"system_site_packages", ArgKind::boolean, false, "see the system's packages (Debian's python3-flask)"},
           {"packages", ArgKind::string_list, false, "pip requirement specs: flask, flask>=2, requests==2.28.1"},
           {"requirements", ArgKind::string, false, "a requirements file on the host; installed when it changes"}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            if (a.name().empty() || a.name()[0] != '/') {
              return std::unexpected(a.error(a.type(), "the venv path must be absolute (e.g. /home/USER/.virtualenvs/NAME)"));
            }
            std::vector<Requirement> packages;
            for (const auto& spec : a.list("packages")) {
              auto r = parse_requirement(spec);
              if (!r) return std::unexpected(a.error("packages", "cannot read requirement '" + spec + "' (name, optionally ==, >=, <=, ~=, !=, <, > versions)"));
              packages.push_back(*r);
            }
            return std::make_unique<Virtualenv>(a.name(), a.str("user"), a.str("python", "python3"),
                                                a.boolean("system_site_packages", false), packages,
                                                a.str("requirements"));
          }};
}

}  // namespace forja
