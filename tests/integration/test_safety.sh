#!/usr/bin/env bash
# Safe to point at real machines, proven on lab hosts over real SSH: the sudo password never
# reaches a command, secrets never reach a remote argv or sudo's log, an upload cut by a
# killed forja never replaces the live file, backups never follow planted symlinks, probes
# run user-owned code as that user, guards run as the state's user, commands time out, a
# host that never speaks SSH and a plan with every host down end with exit 3, and bad input
# exits 2 without contacting anyone.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
export FORJA_STATE_DIR="$work/state"
cleanup() {
  tc qdisc del dev fj-lab1 root 2>/dev/null || true
  [[ -n "${sampler:-}" ]] && lab_root_ssh lab1 "kill $sampler" 2>/dev/null
  [[ -n "${listener:-}" ]] && kill "$listener" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
for h in lab1 lab2; do forja lab stop "$h" >/dev/null; forja lab start "$h" >/dev/null; done

book() { # book FILE HOSTS: a playbook for HOSTS with the states on stdin
  { printf 'plays:\n  - hosts: %s\n    states:\n' "$2"; sed 's/^/      /'; } >"$1"
}

# --- The sudo password is sent only when sudo asks for it. ------------------------------
# vagrant's sudo needs no password; give forja one anyway. If it were written ahead of the
# command's stdin (as it once was), the shell reading a probe script would run it as root.
pw_inventory="$work/nopasswd-with-password.yml"
sed 's/^  become: true$/  become: true\n  become_password_env: FORJA_TEST_BECOME_PW/' "$LAB_INVENTORY" >"$pw_inventory"
grep -q become_password_env "$pw_inventory" || fail "could not build $pw_inventory"
export FORJA_TEST_BECOME_PW='touch /root/PASSWORD-RAN-AS-ROOT; echo'
book "$work/pw.yml" lab1 <<'EOF'
- file: /srv/pw-check
  content: "first line\n"
- command: "id -u > /srv/pw-command"
  creates: /srv/pw-command
EOF
out=$(forja apply -i "$pw_inventory" "$work/pw.yml" -v 2>&1) || fail "apply with an unneeded sudo password failed:"$'\n'"$out"
[[ "$(lab_root_ssh lab1 cat /srv/pw-check)" == "first line" ]] || fail "the uploaded file does not hold exactly its content"
[[ "$(lab_root_ssh lab1 cat /srv/pw-command)" == "0" ]] || fail "the command did not run as root"
lab_root_ssh lab1 test ! -e /root/PASSWORD-RAN-AS-ROOT || fail "the sudo password was run as a command"
[[ "$out" != *"PASSWORD-RAN"* ]] || fail "the sudo password was printed:"$'\n'"$out"
# deploy's sudo asks: the right password works, a wrong one is refused quickly and never shown.
assert_exit 0 forja run -i "$LAB_DEPLOY_INVENTORY" lab2 --become -- true
rc=0
out=$(FORJA_LAB_SUDO_PASSWORD='wr0ng-pa55' forja plan -i "$LAB_DEPLOY_INVENTORY" "$work/pw.yml" 2>&1) || rc=$?
[[ $rc == 3 ]] || fail "a wrong sudo password: expected exit 3, got $rc:"$'\n'"$out"
assert_contains "$out" "sudo did not accept the password from \$FORJA_LAB_SUDO_PASSWORD"
[[ "$out" != *wr0ng-pa55* ]] || fail "the wrong password was printed"

# --- Secrets never reach a remote argv or sudo's log. -----------------------------------
# A sampler lists every process's argv on lab1 while forja applies states whose command,
# guard, file content and template all carry the secret; the command sleeps so it is seen.
secret='t0ken-S3CRET-value'
cat >"$work/secret.yml" <<EOF
vars:
  api_token: "$secret"
plays:
  - hosts: lab1
    states:
      - command: "sleep 1; echo {{api_token}} > /srv/token-copy"
        unless: "grep -q {{api_token}} /srv/token-copy"
      - file: /srv/token-file
        content: "token={{api_token}}\n"
        mode: "0600"
EOF
sampler=$(lab_root_ssh lab1 'nohup sh -c "while :; do ps -eo args >> /root/ps.log; sleep 0.02; done" >/dev/null 2>&1 & echo $!')
out=$(forja apply -i "$LAB_INVENTORY" "$work/secret.yml" -v 2>&1) || fail "secret apply failed:"$'\n'"$out"
lab_root_ssh lab1 "kill $sampler"
sampler=
[[ "$(lab_root_ssh lab1 cat /srv/token-copy)" == "$secret" ]] || fail "the command did not get the secret"
samples=$(lab_root_ssh lab1 'grep -c "forja" /root/ps.log')
((samples > 0)) || fail "the process sampler never saw forja's commands"
hits=$(lab_root_ssh lab1 "grep -c '$secret' /root/ps.log || true")
[[ $hits == 0 ]] || fail "the secret appeared in $hits process argv samples"
sudo_log=$(lab_root_ssh lab1 'journalctl -q --no-pager _COMM=sudo 2>/dev/null || true')
assert_contains "$sudo_log" "COMMAND="
[[ "$sudo_log" != *"$secret"* ]] || fail "the secret is in sudo's log"
[[ "$out" != *"$secret"* ]] || fail "the secret was printed"

# --- An upload cut by a killed forja never replaces the live file. -----------------------
# The lab1 end of the bridge is slowed to 20 Mbit/s so that the 40 MB upload is still on its
# way when forja is killed.
lab_root_ssh lab1 'printf "live\n" > /srv/big'
head -c 40000000 /dev/zero | tr '\0' 'x' >"$work/big.src"
printf 'plays:\n  - hosts: lab1\n    states:\n      - file: /srv/big\n        source: %s\n' "$work/big.src" >"$work/big.yml"
tc qdisc add dev fj-lab1 root tbf rate 20mbit burst 64kb latency 2000ms
"$FORJA" apply -i "$LAB_INVENTORY" "$work/big.yml" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 300); do
  [[ -n "$(lab_root_ssh lab1 'find /srv -maxdepth 1 -name ".big.forja-*" -size +1M' 2>/dev/null)" ]] && break
  sleep 0.1
done
kill -KILL "$pid" 2>/dev/null || { tc qdisc del dev fj-lab1 root; fail "the upload finished before it could be cut"; }
wait "$pid" 2>/dev/null || true
killed=$(date +%s.%N)
# The queue is sped up in place (deleting it would drop what it holds, and the dead forja's
# kernel would then retransmit with backed-off timers): the host gets the rest of the stream and
# the end of the connection promptly, sees a short upload and removes its temp file.
tc qdisc change dev fj-lab1 root tbf rate 1gbit burst 1mb latency 2000ms
for _ in $(seq 120); do
  [[ -z "$(lab_root_ssh lab1 'ls -A /srv | grep "^\.big\.forja-" || true')" ]] && break
  sleep 0.5
done
tc qdisc del dev fj-lab1 root
echo "test_safety: the cut upload's temp file was gone $(awk -v a="$killed" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s after forja was killed"
[[ "$(lab_root_ssh lab1 cat /srv/big)" == "live" ]] || fail "a cut upload replaced the live file"
[[ -z "$(lab_root_ssh lab1 'ls -A /srv | grep "^\.big\.forja-" || true')" ]] || fail "a cut upload left its temp file"
rm -f "$work/big.src"

# --- backup never follows a symlink planted in a user-writable directory. ----------------
lab_root_ssh lab1 'printf "old\n" > /home/vagrant/app.conf; ln -sf /etc/shadow /home/vagrant/app.conf.forja-backup'
shadow=$(lab_root_ssh lab1 sha256sum /etc/shadow)
book "$work/backup.yml" lab1 <<'EOF'
- file: /home/vagrant/app.conf
  content: "new\n"
  backup: true
EOF
forja apply -i "$LAB_INVENTORY" "$work/backup.yml" >/dev/null || fail "apply with backup failed"
[[ "$(lab_root_ssh lab1 sha256sum /etc/shadow)" == "$shadow" ]] || fail "the backup wrote through the planted symlink"
[[ "$(lab_root_ssh lab1 'stat -c %F /home/vagrant/app.conf.forja-backup; cat /home/vagrant/app.conf.forja-backup')" == $'regular file\nold' ]] ||
  fail "the backup is not a regular file with the old content"

# --- validate: a path and arguments full of shell syntax pass literally. ------------------
book "$work/validate.yml" lab1 <<'EOF'
- directory: "/srv/odd dir;$(touch /srv/PWNED)"
- file: "/srv/odd dir;$(touch /srv/PWNED)/a'b`id`.conf"
  content: "good\n"
  validate: "grep -q '^good$' %s"
  require: "directory[/srv/odd dir;$(touch /srv/PWNED)]"
EOF
forja apply -i "$LAB_INVENTORY" "$work/validate.yml" >/dev/null || fail "validate with odd names failed"
[[ "$(lab_root_ssh lab1 'find /srv -path "*odd dir*" -name "a*.conf" -exec cat {} +')" == "good" ]] || fail "the odd file is not there"
lab_root_ssh lab1 test ! -e /srv/PWNED || fail "a path was run as a command"

# --- Probes run user-owned code as its owner; guards run as the state's user. -------------
book "$work/venv.yml" lab2 <<'EOF'
- package: python3-venv
- user: app
- virtualenv: /home/app/venv
  user: app
  system_site_packages: true
- command: "true"
  user: app
  unless: "id -un > /tmp/guard-ran-as"
EOF
forja apply -i "$LAB_INVENTORY" "$work/venv.yml" >/dev/null || fail "venv apply failed"
[[ "$(lab_root_ssh lab2 cat /tmp/guard-ran-as)" == "app" ]] || fail "the guard did not run as the state's user"
# A .pth file is code the venv's owner controls; the probe must not run it as root.
lab_root_ssh lab2 'pth=$(ls -d /home/app/venv/lib/python3*/site-packages)/forja-probe-check.pth
  echo "import os; open(\"/tmp/pth-ran-as-%d\" % os.getuid(), \"w\")" > "$pth"; chown app: "$pth"; rm -f /tmp/pth-ran-as-*'
forja plan -i "$LAB_INVENTORY" "$work/venv.yml" >/dev/null || fail "plan failed"
app_uid=$(lab_root_ssh lab2 id -u app)
[[ "$(lab_root_ssh lab2 'ls /tmp | grep pth-ran-as-')" == "pth-ran-as-$app_uid" ]] ||
  fail "the venv's python ran as someone else than its owner (uid $app_uid)"

# --- A hung command times out and is stopped. ---------------------------------------------
book "$work/hang.yml" lab2 <<'EOF'
- command: "sleep 300 && touch /srv/after-sleep"
  timeout: 2
EOF
rc=0
out=$(forja apply -i "$LAB_INVENTORY" "$work/hang.yml" 2>&1) || rc=$?
[[ $rc == 1 ]] || fail "a timed-out command should fail the run (exit $rc)"
assert_contains "$out" "timed out after 2 s"
sleep 6
[[ -z "$(lab_root_ssh lab2 'pgrep -f "^sleep 300" || true')" ]] || fail "the timed-out command still runs on the host"
lab_root_ssh lab2 test ! -e /srv/after-sleep || fail "the command went on after its timeout"

# --- A host that accepts TCP and never speaks SSH does not hang the run. -----------------
port=$((20000 + RANDOM % 20000))
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)' "$port" &
listener=$!
printf 'defaults:\n  connect_timeout: 2\nhosts:\n  mute: {address: 127.0.0.1, port: %s}\n  down: {address: 127.0.0.1, port: 1}\n' "$port" >"$work/mute.yml"
book "$work/any.yml" all <<'EOF'
- file: /tmp/never
  content: x
EOF
rc=0
out=$(timeout 60 "$FORJA" plan -i "$work/mute.yml" "$work/any.yml" 2>&1) || rc=$?
[[ $rc != 124 ]] || fail "plan hung on a host that never speaks SSH"
[[ $rc == 3 ]] || fail "plan with every host unreachable: expected exit 3, got $rc:"$'\n'"$out"
assert_contains "$out" "mute  unreachable: cannot connect to 127.0.0.1:$port"
[[ "$out" != *converged* ]] || fail "a plan that reached no host said 'converged':"$'\n'"$out"
kill "$listener"
listener=

# --- Bad input: exit 2 with file:line:col, and no host contacted (the host does not exist).
book "$work/option.yml" all <<'EOF'
- package: "-oAPT::Update::Pre-Invoke::=touch"
EOF
rc=0
out=$(forja plan -i "$work/mute.yml" "$work/option.yml" 2>&1) || rc=$?
[[ $rc == 2 ]] || fail "an option-looking package name: expected exit 2, got $rc:"$'\n'"$out"
assert_contains "$out" "option.yml:4:18: package[-oAPT::Update::Pre-Invoke::=touch]: '-oAPT::Update::Pre-Invoke::=touch' is not a package name"

# --- forja survives a closed pipe (SIGPIPE). -----------------------------------------------
set +o pipefail
forja plan -i "$LAB_INVENTORY" "$work/secret.yml" -v | head -c 1 >/dev/null
rc=${PIPESTATUS[0]}
set -o pipefail
[[ $rc != 141 ]] || fail "forja was killed by SIGPIPE"

# --- The owed-handler store is private and holds no handler id. ----------------------------
cat >"$work/owed.yml" <<'EOF'
plays:
  - hosts: lab2
    states:
      - file: /srv/owed
        content: "1\n"
        notify: "restart {{inventory_hostname}} now"
    handlers:
      - command: "false"
        id: "restart {{inventory_hostname}} now"
EOF
forja apply -i "$LAB_INVENTORY" "$work/owed.yml" >/dev/null 2>&1 && fail "the failing handler should fail the run"
store=$(find "$FORJA_STATE_DIR" -name 'lab2.owed-handlers')
[[ -n "$store" ]] || fail "no owed handler recorded"
[[ "$(stat -c %a "$store") $(stat -c %a "$(dirname "$store")")" == "600 700" ]] || fail "the store is not private"
grep -q "restart" "$store" && fail "the store holds the handler id in clear"
echo "test_safety: passed"
