// command: a shell command, run only when its guards say so (creates/unless/onlyif). The
// command and its guards run as the state's `user`, in its `cwd`; their text reaches the shell
// through the environment, never through a process's argv.
#include "resources/resource.hpp"

namespace forja {

namespace {

// $1 = user ("" = root), $2 = cwd, $3 = creates, $4 = unless, $5 = onlyif. Prints "run",
// "skip: reason", or "unknown: reason" when the guards cannot be checked yet.
constexpr const char* k_guard_probe = R"SH(u=$1
FORJA_CWD=$2 FORJA_CREATES=$3 FORJA_UNLESS=$4 FORJA_ONLYIF=$5
export FORJA_CWD FORJA_CREATES FORJA_UNLESS FORJA_ONLYIF
check='if [ -n "$FORJA_CWD" ] && ! cd "$FORJA_CWD" 2>/dev/null; then echo "unknown: $FORJA_CWD does not exist yet"; exit 0; fi
if [ -n "$FORJA_CREATES" ] && [ -e "$FORJA_CREATES" ]; then echo "skip: $FORJA_CREATES exists"; exit 0; fi
if [ -n "$FORJA_UNLESS" ] && (eval "$FORJA_UNLESS") >/dev/null 2>&1 </dev/null; then echo "skip: unless-command succeeded"; exit 0; fi
if [ -n "$FORJA_ONLYIF" ] && ! (eval "$FORJA_ONLYIF") >/dev/null 2>&1 </dev/null; then echo "skip: onlyif-command failed"; exit 0; fi
echo run'
if [ -z "$u" ]; then sh -c "$check"; exit 0; fi
if ! id -u -- "$u" >/dev/null 2>&1; then echo "unknown: user $u does not exist yet"; exit 0; fi
runuser -u "$u" -- sh -c "$check"
exit 0)SH";

// $1 = user ("" = root), $2 = cwd, $3 = the command.
constexpr const char* k_run = R"SH(u=$1
FORJA_CWD=$2 FORJA_COMMAND=$3
export FORJA_CWD FORJA_COMMAND
run='if [ -n "$FORJA_CWD" ]; then cd "$FORJA_CWD" || exit 1; fi
eval "$FORJA_COMMAND"'
if [ -z "$u" ]; then exec sh -c "$run" </dev/null; fi
exec runuser -u "$u" -- sh -c "$run" </dev/null)SH";

class CommandResource final : public Resource {
 public:
  CommandResource(std::string cmd, std::string creates, std::string unless, std::string onlyif,
                  std::string user, std::string cwd)
      : m_cmd(std::move(cmd)), m_creates(std::move(creates)), m_unless(std::move(unless)),
        m_onlyif(std::move(onlyif)), m_user(std::move(user)), m_cwd(std::move(cwd)) {}

  bool guarded() const { return !m_creates.empty() || !m_unless.empty() || !m_onlyif.empty(); }

  std::vector<Probe> probes(const Platform&) const override {
    if (!guarded()) return {};
    return {Probe{{"sh", "-c", k_guard_probe, "forja-guard", m_user, m_cwd, m_creates, m_unless,
                   m_onlyif}}};
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    Change change;
    change.kind = ChangeKind::change;
    if (guarded()) {
      const auto& out = outputs.at(0).out;
      auto first = out.substr(0, out.find('\n'));
      if (first.rfind("skip: ", 0) == 0) {
        change.kind = ChangeKind::none;
        change.summary = first.substr(6);
        return change;
      }
      if (first.rfind("run", 0) != 0) {
        // The guard could not be evaluated (no user or cwd yet): an earlier change may decide.
        change.kind = ChangeKind::unknown;
        change.summary = "run unless its guards say otherwise once they can be checked (" +
                         (first.rfind("unknown: ", 0) == 0 ? first.substr(9) : std::string("guard gave no answer")) +
                         "): " + m_cmd;
      }
    }
    if (change.kind == ChangeKind::change) {
      change.summary = guarded() ? "run: " + m_cmd : "run (no creates/unless/onlyif, so always): " + m_cmd;
    }
    change.commands.push_back(Command{{"sh", "-c", k_run, "forja-command", m_user, m_cwd, m_cmd}, "",
                                      Privilege::become});
    return change;
  }

  bool converges() const override { return guarded(); }
  std::vector<std::string> facts_it_may_change() const override { return {"*"}; }

 private:
  std::string m_cmd, m_creates, m_unless, m_onlyif, m_user, m_cwd;
};

}  // namespace

ResourceType command_type() {
  return {"command",
          "A shell command. Idempotent only with creates/unless/onlyif; without them it always "
          "runs and the plan says so. Guards run like the command: as `user`, in `cwd`.",
          {{"creates", ArgKind::string, false, "skip when this path exists (relative to cwd)"},
           {"unless", ArgKind::string, false, "skip when this shell command succeeds"},
           {"onlyif", ArgKind::string, false, "run only when this shell command succeeds"},
           {"user", ArgKind::string, false, "run (and check the guards) as this user"},
           {"cwd", ArgKind::string, false, "working directory (absolute)"}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            auto cwd = a.str("cwd");
            if (a.has("cwd") && (cwd.empty() || cwd[0] != '/')) {
              return std::unexpected(a.error("cwd", "cwd must be an absolute path"));
            }
            auto user = a.str("user");
            if (a.has("user") && (user.empty() || user[0] == '-')) {
              return std::unexpected(a.error("user", "'" + user + "' is not a user name"));
            }
            return std::make_unique<CommandResource>(a.name(), a.str("creates"), a.str("unless"),
                                                     a.str("onlyif"), user, cwd);
          }};
}

}  // namespace forja
