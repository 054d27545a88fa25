#!/usr/bin/env bash
# forja run / facts against the lab over real SSH: parallel commands, facts in one round trip,
# become with and without a sudo password, host-key checking, and an unreachable host.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"; forja lab start lab4 >/dev/null 2>&1 || true' EXIT

# Every host answers with its own name; exit 0.
out=$(forja run -i "$LAB_INVENTORY" all -- hostname)
for h in lab1 lab2 lab3 lab4; do
  assert_contains "$out" "$h | exit 0"
  grep -A1 "^$h | exit 0" <<<"$out" | grep -qx "    $h" || fail "$h did not print its own name:"$'\n'"$out"
done
assert_contains "$out" "4 ok, 0 failed, 0 unreachable"

# A failing command is reported per host with its exit status, and the exit code says so.
assert_exit 1 forja run -i "$LAB_INVENTORY" lab1 -- 'exit 7'
assert_contains "$(forja run -i "$LAB_INVENTORY" lab1 -- 'exit 7' || true)" "exit 7"

# Facts: one JSON object, every host Debian 12 with apt and systemd.
json=$(forja facts -i "$LAB_INVENTORY" all --json)
python3 - "$json" <<'PY' || fail "facts --json is wrong: $json"
import json, sys
facts = json.loads(sys.argv[1])
assert sorted(facts) == ["lab1", "lab2", "lab3", "lab4"], facts.keys()
for name, f in facts.items():
    assert f["os_family"] == "debian" and f["distribution"] == "debian", f
    assert f["version"] == "12" and f["package_manager"] == "apt", f
    assert f["init_system"] == "systemd" and f["hostname"] == name, f
    assert f["python3"] == "/usr/bin/python3", f
    assert any(a.startswith("10.77.0.") for a in f["addresses"]), f
PY

# Become: vagrant (passwordless sudo) and deploy (sudo asks the password, read from the env).
# Both lab inventories say `become: true`, which forja run follows as Ansible's ad-hoc
# commands do; --no-become runs as the login user, --become forces sudo.
assert_contains "$(forja run -i "$LAB_INVENTORY" lab1 --become -- id -u)" $'\n    0'
assert_contains "$(forja run -i "$LAB_INVENTORY" lab1 -- id -u)" $'\n    0'
assert_contains "$(forja run -i "$LAB_INVENTORY" lab1 --no-become -- id -un)" $'\n    vagrant'
assert_contains "$(forja run -i "$LAB_DEPLOY_INVENTORY" lab2 --become -- id -u)" $'\n    0'
assert_contains "$(forja run -i "$LAB_DEPLOY_INVENTORY" lab2 -- id -u)" $'\n    0'
assert_contains "$(forja run -i "$LAB_DEPLOY_INVENTORY" lab2 --no-become -- id -un)" $'\n    deploy'
assert_exit 2 forja run -i "$LAB_INVENTORY" lab1 --become --no-become -- true
# An Ansible INI inventory: ansible_become per host decides; --become covers the others.
cat >"$work/become.ini" <<INI
[lab]
lab1 ansible_host=$(lab_address lab1) ansible_become=yes
lab2 ansible_host=$(lab_address lab2)
[lab:vars]
ansible_user=vagrant
ansible_ssh_private_key_file=$LAB_KEY
forja_known_hosts=$LAB_KNOWN_HOSTS
INI
host_output() { awk -v h="$1" 'index($0, h " | ") == 1 {on = 1; next} on && /^    / {print; next} {on = 0}'; }
out=$(forja run -i "$work/become.ini" lab -- id -un)
[[ "$(host_output lab1 <<<"$out")" == "    root" ]] || fail "lab1 (ansible_become=yes) should run as root:"$'\n'"$out"
[[ "$(host_output lab2 <<<"$out")" == "    vagrant" ]] || fail "lab2 (no become) should run as vagrant:"$'\n'"$out"
out=$(forja run -i "$work/become.ini" lab2 --become -- id -un)
assert_contains "$out" $'\n    root'
out=$(FORJA_LAB_SUDO_PASSWORD=wrong forja run -i "$LAB_DEPLOY_INVENTORY" lab2 --become -- id -u 2>&1 || true)
assert_contains "$out" "failed"
[[ "$out" != *wrong* ]] || fail "the sudo password was printed: $out"

# A changed host key: lab2's line carries lab3's key. lab2 is refused, the others are fine.
lab3_key=$(awk '$1 ~ /(^|,)lab3(,|$)/ {print $2" "$3}' "$LAB_KNOWN_HOSTS")
[[ -n "$lab3_key" ]] || fail "no lab3 key in $LAB_KNOWN_HOSTS"
awk -v key="$lab3_key" '$1 ~ /(^|,)lab2(,|$)/ {print $1" "key; next} {print}' "$LAB_KNOWN_HOSTS" >"$work/known_hosts"
sed "s#known_hosts: .*#known_hosts: $work/known_hosts#" "$LAB_INVENTORY" >"$work/changed.yml"
rc=0
out=$(forja run -i "$work/changed.yml" all -- true 2>&1) || rc=$?
[[ $rc == 3 ]] || fail "changed host key: expected exit 3, got $rc:"$'\n'"$out"
assert_contains "$out" "HOST KEY CHANGED"
assert_contains "$out" "3 ok, 0 failed, 1 unreachable"
grep -q "lab2  unreachable: HOST KEY CHANGED" <<<"$out" || fail "lab2 should be the refused host:"$'\n'"$out"
# --accept-new-host-keys never overrides a changed key.
assert_exit 3 forja run -i "$work/changed.yml" lab2 --accept-new-host-keys -- true

# An unknown host key: refused without the flag, recorded with it, then trusted.
grep -v -E '^(lab1,|10\.77\.0\.11)' "$LAB_KNOWN_HOSTS" >"$work/known_hosts"
sed "s#known_hosts: .*#known_hosts: $work/known_hosts#" "$LAB_INVENTORY" >"$work/unknown.yml"
out=$(forja run -i "$work/unknown.yml" lab1 -- true 2>&1 || true)
assert_contains "$out" "not known"
assert_contains "$out" "--accept-new-host-keys"
assert_exit 0 forja run -i "$work/unknown.yml" lab1 --accept-new-host-keys -- true
grep -q "10.77.0.11" "$work/known_hosts" || fail "the accepted key was not recorded"
assert_exit 0 forja run -i "$work/unknown.yml" lab1 -- true

# ~/.ssh/config is honoured (HostName, User, IdentityFile), host keys still checked.
mkdir -p "$work/home/.ssh"
printf 'Host web-alias\n  HostName %s\n  User vagrant\n  IdentityFile %s\n' "$(lab_address lab2)" "$LAB_KEY" >"$work/home/.ssh/config"
printf 'hosts:\n  web: {address: web-alias}\n' >"$work/alias.yml"
cp "$LAB_KNOWN_HOSTS" "$work/home/.ssh/known_hosts"
out=$(HOME="$work/home" SSH_AUTH_SOCK='' forja run -i "$work/alias.yml" all -- 'hostname; id -un')
assert_contains "$out" $'    lab2\n    vagrant'
grep -v -E '(^|,)lab2,' "$LAB_KNOWN_HOSTS" >"$work/home/.ssh/known_hosts"
out=$(HOME="$work/home" SSH_AUTH_SOCK='' forja run -i "$work/alias.yml" all -- true 2>&1 || true)
assert_contains "$out" "host key of web-alias:22 is not known"

# A host that is down: reported unreachable with a reason, the others carry on.
forja lab stop lab4 >/dev/null
rc=0
out=$(forja run -i "$LAB_INVENTORY" all -- true 2>&1) || rc=$?
[[ $rc == 3 ]] || fail "down host: expected exit 3, got $rc:"$'\n'"$out"
assert_contains "$out" "lab4  unreachable: cannot connect to 10.77.0.14:22"
assert_contains "$out" "3 ok, 0 failed, 1 unreachable"
rc=0
out=$(forja facts -i "$LAB_INVENTORY" all 2>&1) || rc=$?
[[ $rc == 3 ]] || fail "facts with a down host: expected exit 3, got $rc"
assert_contains "$out" "lab3 | Debian GNU/Linux 12"
forja lab start lab4 >/dev/null

# Bad input: exit 2, nothing contacted.
assert_exit 2 forja run -i "$LAB_INVENTORY" nosuchgroup -- true
assert_contains "$(forja run -i "$LAB_INVENTORY" lab -- true 2>&1 || true)" "ok"
echo "test_run_facts: passed"
