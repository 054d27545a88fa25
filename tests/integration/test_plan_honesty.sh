#!/usr/bin/env bash
# "The plan never lies", each way it was once broken, on lab hosts: for every case the
# playbook, the plan, the apply, the host's real state, and the plan after.
# Packages on lab1, services on lab2, files and requisites on lab3, facts, firewall, commands
# and users on lab4.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
export FORJA_STATE_DIR="$work/state"
# The hosts are left as they were found: clean (a case renames lab4).
clean_hosts() { for h in lab1 lab2 lab3 lab4; do forja lab stop "$h" >/dev/null; forja lab start "$h" >/dev/null; done; }
trap 'rm -rf "$work"; clean_hosts' EXIT
clean_hosts

# book NAME HOST: the states on stdin become the playbook $work/NAME.yml for HOST.
book() { { printf 'plays:\n  - hosts: %s\n    states:\n' "$2"; sed 's/^/      /'; } >"$work/$1.yml"; }
# run VERB NAME: plan or apply $work/NAME.yml as JSON into $out, its exit code into $rc.
run() {
  rc=0
  out=$(forja "$1" -i "$LAB_INVENTORY" "$work/$2.yml" -v --json 2>&1) || rc=$?
}
# field JSON ID KEY: KEY of the last event of a state or handler ("" when none).
field() {
  python3 -c 'import json, sys
last = ""
for line in sys.argv[1].splitlines():
    if line.startswith("{"):
        e = json.loads(line)
        if e.get("id") == sys.argv[2]: last = e[sys.argv[3]]
print(last)' "$1" "$2" "$3"
}
status() { field "$1" "$2" status; }
summary() { field "$1" "$2" summary; }
# expect JSON ID STATUS [TEXT]: the state has that status (and its summary contains TEXT).
expect() {
  local got
  got=$(status "$1" "$2")
  [[ "$got" == "$3" ]] || fail "$2: expected '$3', got '$got':"$'\n'"$1"
  [[ -z "${4:-}" ]] || assert_contains "$(summary "$1" "$2")" "$4"
}
# converged NAME: the plan after is empty (exit 0 with --exit-code).
converged() {
  local out code=0
  out=$(forja plan -i "$LAB_INVENTORY" "$work/$1.yml" --exit-code 2>&1) || code=$?
  [[ $code == 0 ]] || fail "$1: the plan after apply is not empty (exit $code):"$'\n'"$out"
}
on() { lab_root_ssh "$@"; }
# installed HOST PACKAGE: dpkg says it is installed (not merely known, or config files left).
installed() { [[ "$(on "$1" "dpkg-query -W -f='\${db:Status-Abbrev}' $2 2>/dev/null || true")" == ?i* ]]; }

# ===== The package transaction (lab1) ======================================================

# A later package that requires a file runs after the file, in its own transaction.
book requisite-order lab1 <<'EOF'
- package: unzip
- file: /etc/forja-before-rsync
  content: "x\n"
- package: rsync
  require: file[/etc/forja-before-rsync]
EOF
run apply requisite-order
expect "$out" "package[unzip]" changed
expect "$out" "package[rsync]" changed "install rsync"
[[ "$(on lab1 "grep '^Commandline:.* -- ' /var/log/apt/history.log | sed 's/.*-- //'")" == $'unzip\nrsync' ]] ||
  fail "unzip and rsync should be two transactions, unzip first"
on lab1 'test /etc/forja-before-rsync -ot /var/lib/dpkg/info/rsync.list' || fail "rsync was installed before its requisite"
converged requisite-order

# A package whose requisite failed is skipped, never installed by an earlier transaction.
on lab1 'apt-get remove -y -q rsync unzip >/dev/null 2>&1'
book failed-requisite lab1 <<'EOF'
- command: "false"
  id: gate
- package: unzip
- package: rsync
  require: gate
EOF
run apply failed-requisite
[[ $rc == 1 ]] || fail "a failed gate should fail the run"
expect "$out" gate failed
expect "$out" "package[unzip]" changed "install unzip"
expect "$out" "package[rsync]" skipped
installed lab1 rsync && fail "rsync was installed although its requisite failed"

# One unknown package fails only itself.
on lab1 'apt-get remove -y -q unzip >/dev/null 2>&1'
book unknown-package lab1 <<'EOF'
- package: unzip
- package: forja-no-such-package
EOF
run apply unknown-package
[[ $rc == 1 ]] || fail "an unknown package should fail the run"
expect "$out" "package[unzip]" changed "install unzip"
expect "$out" "package[forja-no-such-package]" failed "forja-no-such-package"
installed lab1 unzip || fail "unzip should be installed"

# The transaction installs the plan's to-do list only: unzip, already there, is not named.
book todo-only lab1 <<'EOF'
- package: [unzip, rsync]
EOF
run apply todo-only
expect "$out" "package[unzip,rsync]" changed "install rsync"
[[ "$(on lab1 "grep '^Commandline:' /var/log/apt/history.log | tail -1 | sed 's/.*-- //'")" == "rsync" ]] ||
  fail "the transaction named more than the plan's to-do list"
converged todo-only

# A removal that takes a declared package along is refused, in plan and apply alike.
book reverse-deps lab1 <<'EOF'
- package: redis-server
- package: redis-tools
  state: absent
EOF
forja apply -i "$LAB_INVENTORY" "$work/reverse-deps.yml" >/dev/null 2>&1 || true
installed lab1 redis-server || fail "redis-server should be installed"
run plan reverse-deps
expect "$out" "package[redis-tools]" failed "would also remove redis-server, which package[redis-server] declares present"
run apply reverse-deps
expect "$out" "package[redis-tools]" failed "would also remove redis-server"
installed lab1 redis-server && installed lab1 redis-tools || fail "the refused removal removed something"
# Alone, the plan shows what the removal takes along, and apply does just that.
book remove-alone lab1 <<'EOF'
- package: redis-tools
  state: absent
EOF
run plan remove-alone
expect "$out" "package[redis-tools]" "will change" "remove redis-tools (also removes redis-server)"
run apply remove-alone
expect "$out" "package[redis-tools]" changed
installed lab1 redis-server && fail "redis-server should be gone with redis-tools"
converged remove-alone

# A held package is installed (present converges) and is not removed (absent refuses).
on lab1 'apt-mark hold rsync >/dev/null'
book held-present lab1 <<'EOF'
- package: rsync
EOF
run plan held-present
expect "$out" "package[rsync]" ok "(held)"
book held-absent lab1 <<'EOF'
- package: rsync
  state: absent
EOF
run plan held-absent
expect "$out" "package[rsync]" failed "is held"
run apply held-absent
expect "$out" "package[rsync]" failed "is held"
installed lab1 rsync || fail "a held package was removed"
on lab1 'apt-mark unhold rsync >/dev/null; apt-get remove -y -q rsync >/dev/null 2>&1'

# An arch-qualified name converges, and its plan needs no index refresh.
book arch lab1 <<'EOF'
- package: "rsync:amd64"
EOF
run plan arch
expect "$out" "package[rsync:amd64]" "will change" "install rsync:amd64"
[[ "$(summary "$out" "package[rsync:amd64]")" != *"apt-get update"* ]] || fail "an arch-qualified name refreshed the index"
run apply arch
expect "$out" "package[rsync:amd64]" changed
converged arch

# ===== Services (lab2) ======================================================================

unit() { # unit NAME EXECSTART [EXTRA]: a unit file written by hand
  on lab2 "printf '[Unit]\nDescription=%s\n[Service]\nExecStart=%s\n%s\n[Install]\nWantedBy=multi-user.target\n' '$1' '$2' '${3:-}' > /etc/systemd/system/$1.service; systemctl daemon-reload"
}

# A crash-looping unit is not running: apply fails with the cause, the next plan says so too.
unit forja-crash /bin/false $'Restart=always\nRestartSec=200ms'
book crash lab2 <<'EOF'
- service: forja-crash
  state: running
EOF
run apply crash
[[ $rc == 1 ]] || fail "a crash-looping unit must fail the apply"
expect "$out" "service[forja-crash]" failed "did not converge"
run plan crash
expect "$out" "service[forja-crash]" "will change" "restart ("

# A unit file changed on disk: the plan shows the daemon-reload, apply makes it.
unit forja-sleep "/bin/sleep infinity"
on lab2 'systemctl start forja-sleep'
book reload lab2 <<'EOF'
- service: forja-sleep
  state: running
EOF
converged reload
on lab2 "sed -i 's/^Description=.*/Description=changed on disk/' /etc/systemd/system/forja-sleep.service"
run plan reload
expect "$out" "service[forja-sleep]" "will change" "daemon-reload"
run apply reload
expect "$out" "service[forja-sleep]" changed
[[ "$(on lab2 'systemctl show -p NeedDaemonReload --value forja-sleep; systemctl show -p Description --value forja-sleep')" == $'no\nchanged on disk' ]] ||
  fail "systemd did not reload the changed unit"
converged reload

# A handler restart never starts a service declared stopped.
book stopped lab2 <<'EOF'
- service: forja-sleep
  state: stopped
- file: /etc/forja-sleep.conf
  content: "v1\n"
  notify: restart-sleep
EOF
printf '    handlers:\n      - service: forja-sleep\n        action: restart\n        id: restart-sleep\n' >>"$work/stopped.yml"
run apply stopped
expect "$out" "service[forja-sleep]" changed "stop"
expect "$out" restart-sleep ok "not running"
[[ "$(on lab2 'systemctl is-active forja-sleep || true')" == inactive ]] || fail "the handler started a stopped service"
converged stopped

# A masked unit is neither started nor called converged: plan and apply fail alike.
on lab2 "printf '[Service]\nExecStart=/bin/sleep infinity\n' > /lib/systemd/system/forja-masked.service
  systemctl daemon-reload; systemctl mask forja-masked >/dev/null 2>&1"
book masked lab2 <<'EOF'
- service: forja-masked
  state: running
EOF
run plan masked
expect "$out" "service[forja-masked]" failed "is masked"
run apply masked
expect "$out" "service[forja-masked]" failed "is masked"
[[ "$(on lab2 'systemctl is-active forja-masked || true')" == inactive ]] || fail "a masked unit runs"

# Enabled only until the next boot is not enabled.
on lab2 'systemctl enable --runtime forja-sleep >/dev/null 2>&1'
book runtime-enabled lab2 <<'EOF'
- service: forja-sleep
  enabled: true
EOF
run plan runtime-enabled
expect "$out" "service[forja-sleep]" "will change" "enabled only until the next boot"
run apply runtime-enabled
expect "$out" "service[forja-sleep]" changed
[[ "$(on lab2 'systemctl is-enabled forja-sleep')" == enabled ]] || fail "forja-sleep is not enabled for good"
converged runtime-enabled

# ===== Files, requisites, handlers, ids (lab3) ============================================

# Updating content keeps an undeclared owner, group and mode.
on lab3 'printf "old\n" > /home/vagrant/mine; chown vagrant:vagrant /home/vagrant/mine; chmod 600 /home/vagrant/mine'
book keep-owner lab3 <<'EOF'
- file: /home/vagrant/mine
  content: "new\n"
EOF
run apply keep-owner
expect "$out" "file[/home/vagrant/mine]" changed "update content"
[[ "$(on lab3 "stat -c '%a %U %G' /home/vagrant/mine; cat /home/vagrant/mine")" == $'600 vagrant vagrant\nnew' ]] ||
  fail "updating the content changed the file's owner or mode"
converged keep-owner

# An owner given as a uid converges, and the change's handler runs once.
book uid-owner lab3 <<'EOF'
- file: /srv/by-uid
  content: "x\n"
  owner: "1000"
  group: "1000"
  notify: count
EOF
printf '    handlers:\n      - command: "echo ran >> /srv/uid-handler"\n        id: count\n' >>"$work/uid-owner.yml"
run apply uid-owner
expect "$out" "file[/srv/by-uid]" changed
expect "$out" count changed
[[ "$(on lab3 "stat -c '%u %g' /srv/by-uid; cat /srv/uid-handler")" == $'1000 1000\nran' ]] || fail "uid owner or handler wrong"
converged uid-owner

# A setgid directory against mode 0775: the bit is cleared (all four digits count).
on lab3 'mkdir -p /srv/shared && chmod 2775 /srv/shared'
book setgid lab3 <<'EOF'
- directory: /srv/shared
  mode: "0775"
EOF
run plan setgid
expect "$out" "directory[/srv/shared]" "will change" "mode 2775 -> 0775"
run apply setgid
[[ "$(on lab3 'stat -c %a /srv/shared')" == 775 ]] || fail "the setgid bit was not cleared"
converged setgid
book setgid-kept lab3 <<'EOF'
- directory: /srv/shared
  mode: "2775"
EOF
run apply setgid-kept
[[ "$(on lab3 'stat -c %a /srv/shared')" == 2775 ]] || fail "mode 2775 did not set setgid"
converged setgid-kept

# A state whose requisite will fix its problem is '?', not '!'.
on lab3 'ln -sf /etc/hostname /srv/was-a-link'
book fixable lab3 <<'EOF'
- command: "rm -f /srv/was-a-link"
  onlyif: "test -L /srv/was-a-link"
  id: unlink
- file: /srv/was-a-link
  content: "a file now\n"
  require: unlink
EOF
run plan fixable
expect "$out" "file[/srv/was-a-link]" unknown "exists and is a link"
assert_exit 4 forja plan -i "$LAB_INVENTORY" "$work/fixable.yml" --exit-code
run apply fixable
expect "$out" "file[/srv/was-a-link]" changed
[[ "$(on lab3 'stat -c %F /srv/was-a-link')" == "regular file" ]] || fail "/srv/was-a-link is not a file"
converged fixable

# A handler with creates: reports ok when nothing ran.
on lab3 'touch /srv/already-made'
book creates-handler lab3 <<'EOF'
- file: /srv/trigger
  content: "1\n"
  notify: make
EOF
printf '    handlers:\n      - command: "echo ran >> /srv/made-log"\n        creates: /srv/already-made\n        id: make\n' >>"$work/creates-handler.yml"
run apply creates-handler
expect "$out" make ok "nothing to do"
on lab3 'test ! -e /srv/made-log' || fail "the handler ran although creates exists"
converged creates-handler

# The plan does not promise a handler that only a '?' state notifies.
book maybe-handler lab3 <<'EOF'
- service: forja-not-installed
  state: running
  notify: restart-it
EOF
printf '    handlers:\n      - command: "true"\n        id: restart-it\n' >>"$work/maybe-handler.yml"
run plan maybe-handler
expect "$out" "service[forja-not-installed]" unknown
expect "$out" restart-it unknown "may run: notified if service[forja-not-installed] changes"

# A later state that undoes an earlier one is caught by apply's final re-probe.
book undone lab3 <<'EOF'
- file: /srv/undone
  content: "declared\n"
- command: "echo overwritten > /srv/undone"
EOF
run apply undone
[[ $rc == 1 ]] || fail "apply must fail when a later state undid an earlier one"
expect "$out" "file[/srv/undone]" failed "no longer converged at the end of the run"
[[ "$(on lab3 cat /srv/undone)" == overwritten ]] || fail "unexpected content of /srv/undone"

# Located errors, exit 2, before any host is contacted: a forward require, a notify of a
# handler no play for the host defines, two plays managing one file on one host.
bad() { # bad NAME EXPECTED: the playbook on stdin is refused with exit 2 and the message
  cat >"$work/$1.yml"
  rc=0
  out=$(forja plan -i "$LAB_INVENTORY" "$work/$1.yml" 2>&1) || rc=$?
  [[ $rc == 2 ]] || fail "$1: expected exit 2, got $rc:"$'\n'"$out"
  assert_contains "$out" "$2"
}
bad forward-require "forward-require.yml:4:9: file[/srv/a]: requires 'file[/srv/b]', which is declared after it (at $work/forward-require.yml:6:9)" <<'EOF'
plays:
  - hosts: lab3
    states:
      - file: /srv/a
        require: file[/srv/b]
      - file: /srv/b
EOF
bad other-play-handler "other-play-handler.yml:4:9: file[/srv/a]: notifies handler 'h', which no play targeting lab3 defines" <<'EOF'
plays:
  - hosts: lab3
    states:
      - file: /srv/a
        notify: h
  - hosts: lab4
    states: []
    handlers:
      - command: "true"
        id: h
EOF
bad two-plays "two-plays.yml:9:9: motd-b: on lab3, path /etc/motd is already managed by motd-a" <<'EOF'
plays:
  - hosts: lab3
    states:
      - file: /etc/motd
        content: "a\n"
        id: motd-a
  - hosts: lab3
    states:
      - file: /etc/motd
        content: "b\n"
        id: motd-b
EOF

# ===== Facts, firewall, commands, users (lab4) ============================================

# A hostname change: the template reading facts.hostname is '?' in the plan, then rendered
# with the new name.
book hostname lab4 <<'EOF'
- command: "hostname forja-renamed"
  unless: 'test "$(uname -n)" = forja-renamed'
  id: rename
- file: /srv/whoami
  content: "{{facts.hostname}}\n"
EOF
run plan hostname
expect "$out" "file[/srv/whoami]" unknown "reads facts that an earlier change may alter"
run apply hostname
expect "$out" "file[/srv/whoami]" changed
[[ "$(on lab4 cat /srv/whoami)" == forja-renamed ]] || fail "the template used the old hostname"
converged hostname

book firewall-base lab4 <<'EOF'
- package: firewalld
- service: firewalld
  state: running
EOF
run apply firewall-base

# A rich rule added by hand is closed by an exclusive zone.
on lab4 'firewall-cmd -q --add-rich-rule="rule family=ipv4 source address=10.77.0.99 port port=9999 protocol=tcp accept"'
book rich lab4 <<'EOF'
- firewall: public
  ports: [5000/tcp]
  exclusive: true
EOF
run plan rich
expect "$out" "firewall[public]" "will change" 'close dhcpv6-client [rule family="ipv4" source address="10.77.0.99" port port="9999" protocol="tcp" accept] (runtime)'
run apply rich
[[ -z "$(on lab4 'firewall-cmd --list-rich-rules')" ]] || fail "the rich rule is still there"
converged rich

# A port inside a declared range converges.
book range lab4 <<'EOF'
- firewall: public
  ports: [8000-8010/tcp, 8005/tcp]
  exclusive: true
EOF
run apply range
expect "$out" "firewall[public]" changed
[[ "$(on lab4 'firewall-cmd --list-ports; firewall-cmd --permanent --list-ports')" == $'8000-8010/tcp\n8000-8010/tcp' ]] ||
  fail "the ports are not exactly 8000-8010/tcp"
converged range

# A zone firewalld does not have is named as such (firewalld runs).
book no-zone lab4 <<'EOF'
- firewall: forja-nozone
  ports: [5000/tcp]
EOF
run plan no-zone
expect "$out" "firewall[forja-nozone]" failed "firewalld has no zone 'forja-nozone'"

# A relative creates is taken in cwd.
book cwd lab4 <<'EOF'
- directory: /srv/cw
- command: "touch made && echo run >> /srv/cw-log"
  cwd: /srv/cw
  creates: made
EOF
run apply cwd
converged cwd
[[ "$(on lab4 cat /srv/cw-log)" == run ]] || fail "the command ran more than once"

# A user whose group a state created before it.
book group-then-user lab4 <<'EOF'
- group: app
- user: app
EOF
run apply group-then-user
expect "$out" "user[app]" changed "existing group app"
[[ "$(on lab4 'id -gn app')" == app ]] || fail "app's primary group is not app"
converged group-then-user

echo "test_plan_honesty: passed"
