#include "entry.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "engine/context.hpp"
#include "engine/host_plan.hpp"
#include "facts/facts.hpp"
#include "inventory/load.hpp"
#include "playbook/load.hpp"
#include "template/render.hpp"

namespace forja::fuzz {

namespace {

namespace fs = std::filesystem;

// Three hosts in the groups the repo's site.yml uses, with variables of each kind and those its
// states need, for the playbook and template targets.
constexpr const char* k_inventory = R"(defaults:
  user: deploy
  vars:
    app_port: "5000"
    site_mode: prod
    tags: [a, b]
    nested: {k: v}
    discovery_url: "http://10.0.0.21:8500"
    consul_version: "1.8.7"
    consul_zip_url: "http://10.0.0.1/consul_1.8.7_linux_amd64.zip"
    consul_sha256: "0000000000000000000000000000000000000000000000000000000000000000"
hosts:
  web1: {address: 10.0.0.11, vars: {weight: "10"}}
  web2: {address: 10.0.0.12}
  lb1: {address: 10.0.0.21}
groups:
  web: {hosts: [web1, web2], vars: {role: web}}
  lb: {hosts: [lb1], vars: {role: lb}}
  discovery: {hosts: [lb1]}
  etcd: {hosts: [web1, lb1]}
  consul: {hosts: [web2]}
)";

void write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A scratch directory for this process, laid out like the repo (playbooks/, templates/, files),
// with the files a playbook may name; removed at exit.
class Scratch {
 public:
  Scratch() {
    m_dir = fs::temp_directory_path() / ("forja-fuzz-" + std::to_string(::getpid()));
    write(m_dir / "playbooks/states/common.yml",
          "- package: curl\n- file: /etc/motd\n  content: \"hello {{inventory_hostname}}\"\n");
    write(m_dir / "playbooks/files/hello.txt", "hello\n");
    write(m_dir / "templates/motd.mustache",
          "{{#groups.web}}{{name}} {{address}}\n{{/groups.web}}{{^missing}}none{{/missing}}\n");
    // The repo's own templates and files, which its playbooks (the seeds) name.
    std::error_code ec;
    const fs::path repo = FORJA_SOURCE_DIR;
    fs::copy(repo / "templates", m_dir / "templates",
             fs::copy_options::recursive | fs::copy_options::skip_existing, ec);
    fs::copy(repo / "playbooks/files", m_dir / "files",
             fs::copy_options::recursive | fs::copy_options::skip_existing, ec);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  [[nodiscard]] std::string playbook(std::string_view text) const {
    write(m_dir / "playbooks/playbook.yml", text);
    return (m_dir / "playbooks/playbook.yml").string();
  }

 private:
  fs::path m_dir;
};

const Inventory& inventory() {
  static const Inventory inv = [] {
    auto parsed = parse_yaml_inventory("fuzz-inventory.yml", k_inventory);
    if (!parsed) throw std::logic_error(parsed.error().message);
    return *parsed;
  }();
  return inv;
}

}  // namespace

Result<void> yaml_inventory(std::string_view text) {
  auto inv = parse_yaml_inventory("fuzz.yml", text);
  if (!inv) return std::unexpected(inv.error());
  return {};
}

Result<void> ini_inventory(std::string_view text) {
  auto inv = parse_ini_inventory("fuzz.ini", text);
  if (!inv) return std::unexpected(inv.error());
  return {};
}

Result<void> playbook(std::string_view text) {
  static const Scratch scratch;
  auto book = load_playbook(scratch.playbook(text));
  if (!book) return std::unexpected(book.error());
  const Inventory& inv = inventory();
  for (const auto& host : inv.hosts) {
    auto decls = select_decls(*book, inv, host, {});
    if (!decls) return std::unexpected(decls.error());
    auto built = build_host_states(*decls, host_context(*book, inv, host, fact_stub()), host.name);
    if (!built) return std::unexpected(built.error());
  }
  return {};
}

Result<void> mustache_template(std::string_view text) {
  static const Playbook book = [] {
    Playbook b;
    b.vars = YAML::Load("{service: web, ports: ['80', '443'], empty: []}");
    return b;
  }();
  const Inventory& inv = inventory();
  auto ctx = host_context(book, inv, inv.hosts.front(), fact_stub());
  auto out = render_template(text, ctx, SourceLocation{"fuzz.mustache", 1, 1});
  if (!out) return std::unexpected(out.error());
  return {};
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {{"yaml_inventory", yaml_inventory},
                                          {"ini_inventory", ini_inventory},
                                          {"playbook", playbook},
                                          {"template", mustache_template}};
  return all;
}

const Target* find_target(std::string_view name) {
  for (const auto& t : targets())
    if (t.name == name) return &t;
  return nullptr;
}

bool acceptable(const Result<void>& result) {
  if (result) return true;
  static const std::regex located(R"(^[^\n:]+:[0-9]+(:[0-9]+)?: )");
  return result.error().code == ExitCode::bad_input &&
         std::regex_search(result.error().message, located);
}

}  // namespace forja::fuzz
