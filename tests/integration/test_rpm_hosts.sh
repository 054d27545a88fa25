#!/usr/bin/env bash
# forja's dnf/rpm paths run for real: the lab boots two rpm-family hosts (Debian with Debian's
# dnf and rpm, an os-release of the rhel family, a dnf repository of test packages built with
# rpmbuild and createrepo_c), forja's facts choose dnf there, and the package resource installs
# (present, in one transaction, refreshing dnf's metadata only when a package is not in its
# cache), upgrades (latest), removes (absent, with what dnf takes along), repairs drift made by
# hand with rpm -e and dnf remove, and names a package no repository has. The service, user,
# file and firewall resources run on the same hosts. Ends with the lab in its default shape
# (lab1..lab4, Debian) whatever happens.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
export FORJA_STATE_DIR="$work/state"
restored=0

default_lab() { forja lab down && forja lab up --hosts 4; }
on_exit() {
  local rc=$?
  if [[ $restored == 0 ]] && ! default_lab >"$work/restore.log" 2>&1; then
    echo "FAIL: could not bring the lab back to its default shape:" >&2
    cat "$work/restore.log" >&2
    rc=1
  fi
  rm -rf "$work"
  exit "$rc"
}
trap on_exit EXIT
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND" >&2' ERR

# book NAME HOSTS: a playbook of the states on stdin for HOSTS.
book() { { printf 'plays:\n  - hosts: %s\n    states:\n' "$2"; sed 's/^/      /'; } >"$work/$1.yml"; }
apply() { forja apply -i "$LAB_INVENTORY" "$work/$1.yml" "${@:2}"; }
plan() { forja plan -i "$LAB_INVENTORY" "$work/$1.yml" "${@:2}"; }
rpmq() { lab_root_ssh "$1" "rpm -q --qf '%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n' ${*:2}" || true; }

# --- Boot: the Debian hosts stay as they are, lab5 and lab6 join as rpm hosts -------------
# From the default shape (a run cut short may have left rpm hosts).
if forja lab status | grep -qE '^lab[5-9]|^lab[0-9]{2}'; then default_lab >/dev/null; fi
forja lab up --hosts 4 >/dev/null
start=$(date +%s%N)
out=$(forja lab up --hosts 4 --rpm-hosts 2 2>&1) || fail "lab up --rpm-hosts 2 failed:"$'\n'"$out"
up_ms=$((($(date +%s%N) - start) / 1000000))
assert_contains "$out" "rpm hosts: lab5, lab6"
echo "test_rpm_hosts: lab up --hosts 4 --rpm-hosts 2 in $((up_ms / 1000)).$((up_ms % 1000 / 100)) s"
status=$(forja lab status)
grep -qE '^lab5 +10\.77\.0\.15 +[0-9]+ +rpm +yes$' <<<"$status" || fail "lab5 should run as an rpm host:"$'\n'"$status"
grep -qE '^lab1 +10\.77\.0\.11 +[0-9]+ +debian +yes$' <<<"$status" || fail "lab1 should still be Debian:"$'\n'"$status"
assert_contains "$(cat "$LAB_INVENTORY")" $'  rpm:\n    hosts: [lab5, lab6]'
# Its own host key, checked strictly like every lab host's.
[[ "$(lab_root_ssh lab5 hostname)" == lab5 ]] || fail "lab5: root ssh or hostname wrong"
lab_ssh vagrant lab6 sudo -n true || fail "lab6: vagrant has no passwordless sudo"
assert_contains "$(lab_root_ssh lab5 cat /etc/os-release)" 'ID_LIKE="rhel fedora"'
assert_contains "$(lab_root_ssh lab5 cat /etc/os-release)" 'ID=forja-lab-rpm'
# Asking lab5 to be Debian while it runs as an rpm host is refused, nothing stopped.
rc=0
out=$(forja lab up --hosts 6 2>&1) || rc=$?
[[ $rc == 2 ]] || fail "a running rpm host asked to be Debian should exit 2 (got $rc):"$'\n'"$out"
assert_contains "$out" "lab5 runs as an rpm host"

# --- Facts: dnf from what the host is, though apt-get is there too ------------------------
facts=$(forja facts -i "$LAB_INVENTORY" 'lab1:lab5')
assert_contains "$facts" "os_family=redhat distribution=forja-lab-rpm version=12"
assert_contains "$facts" "package_manager=dnf init_system=systemd"
assert_contains "$facts" "os_family=debian distribution=debian version=12"
assert_contains "$facts" "package_manager=apt init_system=systemd"
lab_root_ssh lab5 command -v apt-get >/dev/null || fail "lab5 should still have apt-get (Debian underneath)"

# --- Present, in one transaction, every resource type --------------------------------------
book site rpm <<'EOF'
- package: [forja-hello, forja-tool]
- package: forja-daemon
- user: forja-svc
  shell: /bin/sh
  home: /var/lib/forja-svc
- file: /etc/forja-daemon.conf
  content: "port=8090\n"
  mode: "0640"
  owner: forja-svc
- service: forja-daemon
  state: running
  enabled: true
  require: package[forja-daemon]
- firewall: public
  ports: "8090/tcp"
  exclusive: true
EOF
out=$(plan site 2>&1) || fail "plan failed:"$'\n'"$out"
# A fresh host has no dnf metadata cached: the install refreshes it, and says so.
assert_contains "$out" "install forja-hello, forja-tool (forja-hello, forja-tool are not in dnf's cached metadata: refreshing it)"
out=$(apply site 2>&1) || fail "apply failed:"$'\n'"$out"
assert_contains "$out" "lab5 ~ package[forja-hello,forja-tool] changed"
assert_contains "$out" "(one transaction with package[forja-daemon])"
assert_contains "$out" "lab6 ~ package[forja-daemon] changed: installed in the same package transaction as package[forja-hello,forja-tool]"
for h in lab5 lab6; do
  installed=$(rpmq "$h" forja-hello forja-tool forja-lib forja-daemon)
  [[ "$installed" == $'forja-hello-1.1-1\nforja-tool-2:1.0-3\nforja-lib-1.0-1\nforja-daemon-1.0-1' ]] ||
    fail "$h: rpm -q after apply:"$'\n'"$installed"
  [[ "$(lab_root_ssh "$h" systemctl is-active forja-daemon)" == active ]] || fail "$h: forja-daemon not running"
  [[ "$(lab_root_ssh "$h" systemctl is-enabled forja-daemon)" == enabled ]] || fail "$h: forja-daemon not enabled"
  assert_contains "$(lab_root_ssh "$h" getent passwd forja-svc)" ":/var/lib/forja-svc:/bin/sh"
  [[ "$(lab_root_ssh "$h" "stat -c '%a %U' /etc/forja-daemon.conf")" == "640 forja-svc" ]] || fail "$h: file mode/owner"
  # firewalld (Debian's, 1.3) runs there: the port is open, at runtime and permanently.
  assert_contains "$(lab_root_ssh "$h" firewall-cmd --zone=public --list-ports)" "8090/tcp"
  assert_contains "$(lab_root_ssh "$h" firewall-cmd --permanent --zone=public --list-ports)" "8090/tcp"
  page=$(curl -s -m 5 "http://$(lab_address "$h"):8090/") || fail "$h: forja-daemon does not answer through the firewall"
  [[ "$page" == "forja-daemon 1.0" ]] || fail "$h: forja-daemon answered '$page'"
done
again=$(apply site --json)
assert_unchanged "$again" lab5 lab6

# --- Drift by hand: rpm -e on lab5, dnf remove on lab6; the cache is there now --------------
lab_root_ssh lab5 "rpm -e forja-hello 2>/dev/null"
lab_root_ssh lab6 dnf -y -q remove forja-daemon >/dev/null
out=$(plan site 2>&1) || fail "plan after drift failed:"$'\n'"$out"
assert_contains "$out" "lab5 ~ package[forja-hello,forja-tool] will change: install forja-hello"
assert_contains "$out" "lab6 ~ package[forja-daemon] will change: install forja-daemon"
[[ "$out" != *"refreshing"* ]] || fail "dnf's cache holds both packages: no refresh needed:"$'\n'"$out"
out=$(apply site 2>&1) || fail "apply after drift failed:"$'\n'"$out"
assert_contains "$out" "lab5 ~ package[forja-hello,forja-tool] changed"
assert_contains "$out" "lab6 ~ package[forja-daemon] changed"
assert_contains "$(rpmq lab5 forja-hello)" "forja-hello-1.1-1"
[[ "$(lab_root_ssh lab6 systemctl is-active forja-daemon)" == active ]] || fail "lab6: forja-daemon not running again"
assert_unchanged "$(apply site --json)" lab5 lab6

# --- Latest: an older version installed by hand is upgraded; present leaves it -------------
lab_root_ssh lab5 dnf -y -q downgrade forja-hello >/dev/null
[[ "$(rpmq lab5 forja-hello)" == forja-hello-1.0-1 ]] || fail "lab5: the downgrade by hand did not happen"
assert_unchanged "$(apply site --json)" lab5 lab6
book latest lab5 <<'EOF'
- package: [forja-hello, forja-tool]
  state: latest
EOF
out=$(plan latest 2>&1) || fail "plan latest failed:"$'\n'"$out"
assert_contains "$out" "upgrade/install forja-hello (forja-hello 1.0-1 -> 1.1-1)"
out=$(apply latest 2>&1) || fail "apply latest failed:"$'\n'"$out"
assert_contains "$out" "lab5 ~ package[forja-hello,forja-tool] changed"
[[ "$(rpmq lab5 forja-hello)" == forja-hello-1.1-1 ]] || fail "lab5: latest did not upgrade forja-hello"
assert_contains "$(lab_root_ssh lab5 forja-hello)" "forja-hello 1.1"
assert_contains "$(plan latest -v)" "installed: forja-hello 1.1-1, forja-tool 2:1.0-3"
assert_unchanged "$(apply latest --json)" lab5

# --- Absent: dnf takes along what depends on the package, and says so first ----------------
book absent rpm <<'EOF'
- package: forja-lib
  state: absent
EOF
out=$(plan absent 2>&1) || fail "plan absent failed:"$'\n'"$out"
assert_contains "$out" "lab5 ~ package[forja-lib] will change: remove forja-lib (also removes forja-tool)"
# The site declares forja-tool present: removing it with forja-lib is refused, not flip-flopped.
cat "$work/site.yml" <(sed 1,3d "$work/absent.yml") >"$work/conflict.yml"
rc=0
out=$(forja plan -i "$LAB_INVENTORY" "$work/conflict.yml" 2>&1) || rc=$?
[[ $rc != 0 ]] || fail "removing what another state declares present should be refused:"$'\n'"$out"
assert_contains "$out" "forja-tool"
out=$(apply absent 2>&1) || fail "apply absent failed:"$'\n'"$out"
assert_contains "$out" "lab6 ~ package[forja-lib] changed"
[[ "$(rpmq lab6 forja-lib forja-tool)" == $'package forja-lib is not installed\npackage forja-tool is not installed' ]] ||
  fail "lab6: forja-lib and forja-tool should be gone"
assert_unchanged "$(apply absent --json)" lab5 lab6

# --- A package no repository has: a located error naming it; the other host carries on ------
book missing rpm <<'EOF'
- package: forja-no-such-package
EOF
out=$(plan missing 2>&1) || true
assert_contains "$out" "install forja-no-such-package (forja-no-such-package is not in dnf's cached metadata: refreshing it)"
rc=0
out=$(apply missing 2>&1) || rc=$?
[[ $rc != 0 ]] || fail "installing a package no repository has should fail:"$'\n'"$out"
assert_contains "$out" "lab5 ! package[forja-no-such-package] failed"
assert_contains "$out" "dnf exited 1"
assert_contains "$out" "No match for argument: forja-no-such-package"
assert_contains "$out" "lab6 ! package[forja-no-such-package] failed"

# --- Back to the default shape: lab1..lab4, Debian ----------------------------------------
out=$(default_lab 2>&1) || fail "could not go back to the default lab:"$'\n'"$out"
restored=1
status=$(forja lab status)
[[ $(grep -cE '^lab[0-9]+ .* debian +yes$' <<<"$status") == 4 ]] || fail "the default lab should run 4 Debian hosts:"$'\n'"$status"
[[ "$status" != *lab5* ]] || fail "lab5 should be gone:"$'\n'"$status"
[[ "$(cat "$LAB_INVENTORY")" != *"rpm:"* ]] || fail "the default inventory has no rpm group"
mountpoint -q "${FORJA_LAB_CACHE:-/var/cache/forja-lab}/rpm/root" && fail "the rpm layer should be unmounted after lab down"

echo "test_rpm_hosts: passed (lab up with 2 rpm hosts in $((up_ms / 1000)).$((up_ms % 1000 / 100)) s)"
