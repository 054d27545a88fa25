#include "facts/facts.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace forja {

namespace {

// Sections start with "@@name"; each is parsed by a pure function below.
const char* const k_script = R"SH(exec 2>/dev/null
echo @@os-release
cat /etc/os-release || cat /usr/lib/os-release
echo @@redhat-release
cat /etc/redhat-release
echo @@env
pms=; for pm in apt-get dnf yum; do if command -v $pm >/dev/null; then pms="$pms $pm"; fi; done; echo "pm=${pms# }"
if [ -d /run/systemd/system ]; then echo init=systemd; else echo init=other; fi
echo "python3=$(command -v python3)"
echo "hostname=$(uname -n)"
echo "kernel=$(uname -r)"
echo "arch=$(uname -m)"
echo @@addresses
ip -o -4 addr show || hostname -I
echo @@end
)SH";

std::map<std::string, std::string> sections(std::string_view output) {
  std::map<std::string, std::string> out;
  std::string current;
  for (const auto& line : split_lines(output)) {
    if (starts_with(line, "@@")) {
      current = line.substr(2);
      out[current];
      continue;
    }
    if (!current.empty()) out[current] += line + "\n";
  }
  return out;
}

// "apt-get dnf" -> {"apt", "dnf"}: the script's names as forja calls the package managers.
std::vector<std::string> package_managers_in(const std::string& value) {
  std::vector<std::string> out;
  for (const auto& w : split(value, ' ')) {
    if (!w.empty()) out.push_back(w == "apt-get" ? "apt" : w);
  }
  return out;
}

std::string unquote(std::string v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    return v.substr(1, v.size() - 2);
  return v;
}

}  // namespace

const std::string& facts_script() {
  static const std::string script = k_script;
  return script;
}

std::map<std::string, std::string> parse_os_release(std::string_view text) {
  std::map<std::string, std::string> out;
  for (const auto& raw : split_lines(text)) {
    auto line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    out[line.substr(0, eq)] = unquote(line.substr(eq + 1));
  }
  return out;
}

std::string os_family_of(const std::string& id, const std::string& id_like) {
  auto words = split(id + " " + id_like, ' ');
  for (const auto& w : words)
    if (w == "debian" || w == "ubuntu") return "debian";
  for (const auto& w : words)
    if (w == "rhel" || w == "fedora" || w == "centos" || w == "rocky" || w == "almalinux")
      return "redhat";
  return "unknown";
}

std::string choose_package_manager(const std::string& os_family,
                                   const std::vector<std::string>& present) {
  auto has = [&](const char* pm) {
    return std::find(present.begin(), present.end(), pm) != present.end();
  };
  if (os_family == "redhat") {
    if (has("dnf")) return "dnf";
    if (has("yum")) return "yum";
  } else if (os_family == "debian" && has("apt")) {
    return "apt";
  }
  return present.empty() ? "" : present.front();
}

HostFacts parse_facts(std::string_view output) {
  auto s = sections(output);
  HostFacts f;
  auto os = parse_os_release(s["os-release"]);
  f.distribution = os["ID"];
  f.version = os["VERSION_ID"];
  f.pretty_name = os["PRETTY_NAME"];
  f.os_family = os_family_of(os["ID"], os["ID_LIKE"]);
  if (f.distribution.empty() && !trim(s["redhat-release"]).empty()) {
    // CentOS 6 and older have no os-release: "CentOS release 6.10 (Final)".
    f.pretty_name = trim(s["redhat-release"]);
    f.os_family = "redhat";
    f.distribution = "centos";
    for (const auto& w : split(f.pretty_name, ' '))
      if (!w.empty() && std::isdigit(static_cast<unsigned char>(w[0]))) {
        f.version = w;
        break;
      }
  }
  for (const auto& line : split_lines(s["env"])) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "pm")
      f.package_manager = choose_package_manager(f.os_family, package_managers_in(value));
    if (key == "init") f.init_system = value;
    if (key == "python3") f.python3 = value;
    if (key == "hostname") f.hostname = value;
    if (key == "kernel") f.kernel = value;
    if (key == "arch") f.architecture = value;
  }
  for (const auto& line : split_lines(s["addresses"])) {
    // "2: eth0    inet 10.77.0.11/24 brd ... " or hostname -I's "10.0.0.1 10.0.0.2"
    auto words = split(line, ' ');
    for (std::size_t i = 0; i < words.size(); ++i) {
      std::string candidate;
      if (words[i] == "inet" && i + 1 < words.size()) {
        candidate = words[i + 1].substr(0, words[i + 1].find('/'));
      } else if (line.find("inet") == std::string::npos && !words[i].empty() &&
                 std::isdigit(static_cast<unsigned char>(words[i][0])) &&
                 words[i].find('.') != std::string::npos) {
        candidate = words[i];
      }
      if (!candidate.empty() && !starts_with(candidate, "127.")) f.addresses.push_back(candidate);
    }
  }
  if (f.init_system.empty()) f.init_system = "other";
  return f;
}

Platform HostFacts::platform() const {
  return Platform{os_family, distribution, version, package_manager, init_system};
}

YAML::Node HostFacts::to_yaml() const {
  YAML::Node n(YAML::NodeType::Map);
  n["os_family"] = os_family;
  n["distribution"] = distribution;
  n["version"] = version;
  n["pretty_name"] = pretty_name;
  n["package_manager"] = package_manager;
  n["init_system"] = init_system;
  n["python3"] = python3;
  n["hostname"] = hostname;
  n["kernel"] = kernel;
  n["architecture"] = architecture;
  YAML::Node addrs(YAML::NodeType::Sequence);
  for (const auto& a : addresses) addrs.push_back(a);
  n["addresses"] = addrs;
  n["address"] = addresses.empty() ? std::string() : addresses.front();
  return n;
}

std::string HostFacts::describe() const {
  return distribution + " " + version + ", " + (package_manager.empty() ? "no package manager" : package_manager) +
         ", " + init_system;
}

Probe facts_probe() { return Probe{{"sh", "-c", facts_script(), "forja-facts"}}; }

Result<HostFacts> gather_facts(Transport& transport) {
  auto r = transport.exec(Command{{"sh", "-c", facts_script(), "forja-facts"}, "", Privilege::user});
  if (!r) return std::unexpected(r.error());
  auto facts = parse_facts(r->out);
  if (facts.hostname.empty()) {
    return fail("facts: unexpected output from the host (exit " + std::to_string(r->exit_status) +
                "): " + last_lines(r->err + r->out, 3));
  }
  return facts;
}

YAML::Node fact_stub() { return HostFacts{}.to_yaml(); }

}  // namespace forja
