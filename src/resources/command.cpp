// command: a shell command, run only when its guards say so (creates/unless/onlyif).
#include "resources/resource.hpp"

namespace forja {

namespace {

// $1 = creates, $2 = unless, $3 = onlyif. Prints "run" or "skip: reason".
constexpr const char* k_guard_probe = R"SH(if [ -n "$1" ] && [ -e "$1" ]; then echo "skip: $1 exists"; exit 0; fi
if [ -n "$2" ] && sh -c "$2" >/dev/null 2>&1; then echo "skip: unless-command succeeded"; exit 0; fi
if [ -n "$3" ] && ! sh -c "$3" >/dev/null 2>&1; then echo "skip: onlyif-command failed"; exit 0; fi
echo run)SH";

class CommandResource final : public Resource {
 public:
  CommandResource(std::string cmd, std::string creates, std::string unless, std::string onlyif,
                  std::string user, std::string cwd)
      : m_cmd(std::move(cmd)), m_creates(std::move(creates)), m_unless(std::move(unless)),
        m_onlyif(std::move(onlyif)), m_user(std::move(user)), m_cwd(std::move(cwd)) {}

  bool guarded() const { return !m_creates.empty() || !m_unless.empty() || !m_onlyif.empty(); }

  std::vector<Probe> probes(const Platform&) const override {
    if (!guarded()) return {};
    return {Probe{{"sh", "-c", k_guard_probe, "forja-guard", m_creates, m_unless, m_onlyif}}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    Change change;
    if (guarded()) {
      const auto& out = outputs.at(0).out;
      if (out.rfind("skip: ", 0) == 0) {
        change.summary = out.substr(6, out.find('\n') - 6);
        return change;
      }
    }
    change.kind = ChangeKind::change;
    change.summary = guarded() ? "run: " + m_cmd : "run (no creates/unless/onlyif, so always): " + m_cmd;
    std::string script = m_cwd.empty() ? m_cmd : "cd \"$1\" && " + m_cmd;
    std::vector<std::string> argv;
    if (!m_user.empty()) argv = {"runuser", "-u", m_user, "--"};
    argv.insert(argv.end(), {"sh", "-c", script, "forja-command", m_cwd});
    change.commands.push_back(Command{argv, "", Privilege::become});
    return change;
  }

  bool converges() const override { return guarded(); }

 private:
  std::string m_cmd, m_creates, m_unless, m_onlyif, m_user, m_cwd;
};

}  // namespace

ResourceType command_type() {
  return {"command",
          "A shell command. Idempotent only with creates/unless/onlyif; without them it always "
          "runs and the plan says so.",
          {{"creates", ArgKind::string, false, "skip when this path exists"},
           {"unless", ArgKind::string, false, "skip when this shell command succeeds"},
           {"onlyif", ArgKind::string, false, "run only when this shell command succeeds"},
           {"user", ArgKind::string, false, "run as this user"},
           {"cwd", ArgKind::string, false, "working directory"}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            return std::make_unique<CommandResource>(a.name(), a.str("creates"), a.str("unless"),
                                                     a.str("onlyif"), a.str("user"), a.str("cwd"));
          }};
}

}  // namespace forja
