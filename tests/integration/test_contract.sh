#!/usr/bin/env bash
# The engine's contract on real lab hosts, for every resource type: from absent, apply changes
# it; apply again changes nothing and plan is empty; drift by hand shows in plan (exit 4) and
# apply repairs it. Also: secrets never printed, owed handlers survive an interrupted run and
# run exactly once, a failing state skips only its dependants, bad input exits 2 untouched.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

dir="$FORJA_SOURCE_DIR/tests/integration/contract"
inv="$FORJA_SOURCE_DIR/inventories/lab.yml"
export FORJA_STATE_DIR
FORJA_STATE_DIR=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$FORJA_STATE_DIR" "$log"' EXIT
for h in lab1 lab2 lab3 lab4; do forja lab stop "$h" >/dev/null; forja lab start "$h" >/dev/null; done

every="$dir/every-resource.yml"
all_states="lab1 command[touch /srv/forja/initialized]
lab1 directory[/srv/forja]
lab1 file[/srv/forja/config.ini]
lab1 firewall[public]
lab1 group[forja-ops]
lab1 package[firewalld,rsync,python3-venv,python3-flask]
lab1 service[firewalld]
lab1 service[forja-sleeper]
lab1 template[/etc/systemd/system/forja-sleeper.service]
lab1 template[/srv/forja/motd]
lab1 user[forja-app]
lab1 virtualenv[/srv/forja/venv]"
# From absent, every state changes, state by state (but firewalld, which Debian's package
# starts and enables on install: the plan says '?' for it); the handler runs once.
out=$(forja apply -i "$inv" "$every" -v --json | tee -a "$log")
[[ "$(json_states changed <<<"$out")" == "$(grep -v 'service\[firewalld\]' <<<"$all_states")" ]] ||
  fail "not every state changed exactly once on a fresh host:"$'\n'"$(json_states changed <<<"$out")"
[[ "$(json_states ok <<<"$out")" == "lab1 service[firewalld]" ]] || fail "firewalld should have been running already"
[[ "$(json_recap <<<"$out")" == "lab1 ok=1 changed=12 failed=0 skipped=0 unreachable=false" ]] ||
  fail "unexpected recap of the first apply: $(json_recap <<<"$out")"
# Then every state is converged, and the next apply changes nothing.
plan=$(forja plan -i "$inv" "$every" -v --json)
[[ "$(json_states ok <<<"$plan")" == "$all_states" ]] || fail "not every state is converged after apply:"$'\n'"$plan"
assert_exit 0 forja plan -i "$inv" "$every" --exit-code
again=$(forja apply -i "$inv" "$every" -v --json | tee -a "$log")
assert_unchanged "$again" lab1
[[ "$(lab_root_ssh lab1 'wc -l < /srv/forja/handler.log')" == 1 ]] || fail "the handler did not run exactly once"

# Drift by hand, one per resource type.
lab_root_ssh lab1 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q rsync >/dev/null 2>&1
  groupmod -g 4322 forja-ops; usermod -s /bin/sh forja-app; chmod 755 /srv/forja
  echo tampered >> /srv/forja/config.ini; rm /srv/forja/motd /srv/forja/initialized
  rm -rf /srv/forja/venv; systemctl stop forja-sleeper
  firewall-cmd -q --zone=public --remove-port=5000/tcp'
rc=0
plan=$(forja plan -i "$inv" "$every" --exit-code | tee -a "$log") || rc=$?
[[ $rc == 4 ]] || fail "plan --exit-code should be 4 after drift, got $rc"
for id in "package[firewalld,rsync,python3-venv,python3-flask]" "group[forja-ops]" "user[forja-app]" \
  "directory[/srv/forja]" "file[/srv/forja/config.ini]" "template[/srv/forja/motd]" \
  "command[touch /srv/forja/initialized]" "virtualenv[/srv/forja/venv]" "service[forja-sleeper]" \
  "firewall[public]"; do
  grep -qF "lab1 ~ $id will change" <<<"$plan" || fail "plan does not show the drift of $id:"$'\n'"$plan"
done
assert_contains "$plan" "gid 4322 -> 4321"
assert_contains "$plan" "shell /bin/sh -> /bin/bash"
assert_contains "$plan" "-tampered"
assert_contains "$plan" "open 5000/tcp (runtime)"
out=$(forja apply -i "$inv" "$every" | tee -a "$log") || fail "repair failed:"$'\n'"$out"
assert_exit 0 forja plan -i "$inv" "$every" --exit-code

# Secrets: the password is in a file's content and in diffs; it never reaches any output.
grep -q -e "s3cr3t-pa55-w0rd" -e "k3y-0f-the-api" "$log" && fail "a secret was printed"
assert_contains "$(cat "$log")" "key=********"
assert_contains "$(cat "$log")" "password=********"

# Owed handlers survive an interrupted run and run exactly once.
interrupted="$dir/interrupted.yml"
"$FORJA" apply -i "$inv" "$interrupted" --limit lab2 >/dev/null &
pid=$!
for _ in $(seq 50); do lab_root_ssh lab2 test -e /srv/notify-me && break; sleep 0.1; done
sleep 0.5
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[[ $rc == 1 ]] || fail "an interrupted apply should exit 1, got $rc"
lab_root_ssh lab2 test ! -e /srv/handler-count || fail "the handler ran despite the interruption"
plan=$(forja plan -i "$inv" "$interrupted" --limit lab2)
assert_contains "$plan" "owed from an earlier run"
lab_root_ssh lab2 touch /srv/no-sleep
forja apply -i "$inv" "$interrupted" --limit lab2 >/dev/null
forja apply -i "$inv" "$interrupted" --limit lab2 >/dev/null
[[ "$(lab_root_ssh lab2 cat /srv/handler-count)" == "ran" ]] || fail "the owed handler should have run exactly once"

# A failing state skips its dependants only; the other host carries on.
rc=0
out=$(forja apply -i "$inv" "$dir/failing.yml") || rc=$?
[[ $rc == 1 ]] || fail "a failed state should exit 1, got $rc"
assert_contains "$out" "lab3 ! gate failed"
assert_contains "$out" "lab3 - file[/srv/after-gate] skipped"
assert_contains "$out" "lab3 ~ file[/srv/independent] changed"
assert_contains "$out" "lab4 ~ file[/srv/after-gate] changed"

# download: from a server on the lab's bridge (this machine), checksum verified, extracted,
# one binary installed; a wrong checksum fails and replaces nothing.
srv=$(mktemp -d)
printf '#!/bin/sh\necho forja-tool 1.0\n' >"$srv/forja-tool"
(cd "$srv" && python3 -c 'import zipfile; z = zipfile.ZipFile("tool.zip", "w"); z.write("forja-tool"); z.close()')
sha=$(sha256sum "$srv/tool.zip" | cut -d' ' -f1)
port=$((20000 + RANDOM % 20000))
python3 -m http.server "$port" --bind 10.77.0.1 --directory "$srv" >/dev/null 2>&1 &
httpd=$!
trap 'kill "$httpd" 2>/dev/null || true; rm -rf "$FORJA_STATE_DIR" "$log" "$srv"' EXIT
download_playbook() {
  printf 'plays:\n  - hosts: lab1\n    states:\n    - package: [unzip, curl]\n    - download: /opt/forja-tool/tool.zip\n      url: http://10.77.0.1:%s/tool.zip\n      sha256: "%s"\n      extract_to: /opt/forja-tool/1.0\n      binary: forja-tool\n      install_to: /usr/local/bin/forja-tool\n' "$port" "$1" >"$srv/download.yml"
}
download_playbook "$sha"
for _ in $(seq 20); do curl -s -o /dev/null "http://10.77.0.1:$port/" && break; sleep 0.2; done
out=$(forja apply -i "$inv" "$srv/download.yml") || fail "download apply failed:"$'\n'"$out"
assert_contains "$out" "download http://10.77.0.1:$port/tool.zip, extract into /opt/forja-tool/1.0, install forja-tool"
[[ "$(lab_root_ssh lab1 /usr/local/bin/forja-tool)" == "forja-tool 1.0" ]] || fail "the installed binary does not run"
assert_contains "$(forja apply -i "$inv" "$srv/download.yml")" "changed=0"
download_playbook "$(printf '%064d' 0)"
rc=0
out=$(forja apply -i "$inv" "$srv/download.yml") || rc=$?
[[ $rc == 1 ]] || fail "a wrong sha256 should fail the run (exit $rc)"
assert_contains "$out" "sha256 mismatch"
[[ "$(lab_root_ssh lab1 sha256sum /opt/forja-tool/tool.zip | cut -d' ' -f1)" == "$sha" ]] ||
  fail "a failed download replaced the file"
kill "$httpd"
rm -rf "$srv"

# Become with a sudo password (user deploy): probes and file uploads both carry the password
# ahead of their own stdin.
pw_book=$(mktemp --suffix=.yml)
printf 'plays:\n  - hosts: lab3\n    states:\n    - file: /srv/as-deploy\n      content: "via sudo -S\\n"\n      mode: "0600"\n' >"$pw_book"
out=$(forja apply -i "$LAB_DEPLOY_INVENTORY" "$pw_book") || fail "apply as deploy failed:"$'\n'"$out"
assert_contains "$out" "lab3 ~ file[/srv/as-deploy] changed"
[[ "$(lab_root_ssh lab3 "stat -c '%U %a' /srv/as-deploy")" == "root 600" ]] || fail "the file is not root's 0600"
assert_exit 0 forja plan -i "$LAB_DEPLOY_INVENTORY" "$pw_book" --exit-code
rm -f "$pw_book"

# validate: a candidate that fails its check never replaces the live file, and no temp file
# is left behind.
val_book=$(mktemp --suffix=.yml)
write_validated() {
  printf 'plays:\n  - hosts: lab4\n    states:\n    - file: /srv/validated.cfg\n      content: "%s\\n"\n      validate: "grep -q ^good %%s"\n' "$1" >"$val_book"
}
write_validated "good one"
assert_exit 0 forja apply -i "$inv" "$val_book"
write_validated "bad one"
rc=0
out=$(forja apply -i "$inv" "$val_book") || rc=$?
[[ $rc == 1 ]] || fail "a failing validate should fail the state (exit $rc)"
assert_contains "$out" "validation failed"
[[ "$(lab_root_ssh lab4 cat /srv/validated.cfg)" == "good one" ]] || fail "a rejected candidate replaced the live file"
[[ -z "$(lab_root_ssh lab4 "ls -A /srv | grep '\.forja-' || true")" ]] || fail "a temp file was left behind"
rm -f "$val_book"

# Bad input: exit 2 and no host touched.
bad=$(mktemp --suffix=.yml)
printf 'plays:\n  - hosts: lab4\n    states:\n    - file: /srv/never\n      content: "{{nope}}"\n' >"$bad"
rc=0
out=$(forja apply -i "$inv" "$bad" 2>&1) || rc=$?
[[ $rc == 2 ]] || fail "bad input should exit 2, got $rc"
assert_contains "$out" "undefined variable 'nope'"
lab_root_ssh lab4 test ! -e /srv/never || fail "bad input touched a host"
rm -f "$bad"
echo "test_contract: passed"
