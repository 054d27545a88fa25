#!/usr/bin/env bash
# `vagrant up` provisions with forja, for real, with no VM: the Vagrantfile's four machines on
# the forja_lab provider (vagrant/forja_lab.rb) are lab hosts lab41..lab44, booted beside the
# default lab1..lab4 (left running and untouched). From a clean state: `vagrant up
# --provider=forja_lab` boots them and ONE forja run (the last machine's hook) provisions all
# four with site.yml, from an inventory built from `vagrant ssh-config`, host keys checked
# against the lab's known_hosts; verify passes; `vagrant ssh-config` and `vagrant ssh` work with
# strict host keys; `vagrant provision` runs forja once more and changes nothing; a failing
# forja run fails `vagrant provision` visibly; `vagrant destroy -f` leaves no host behind.
# Vagrant's own state goes to a temporary VAGRANT_HOME and dotfile directory.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

command -v vagrant >/dev/null || fail "vagrant is not installed (scripts/install-deps installs it)"
work=$(mktemp -d)
export FORJA_STATE_DIR="$work/state"
export VAGRANT_HOME="$work/vagrant.d" VAGRANT_DOTFILE_PATH="$work/dot"
export VAGRANT_CHECKPOINT_DISABLE=1 VAGRANT_NO_COLOR=1 NO_COLOR=1
machines=(web-1 web-2 consul-1 lb-1)
hosts=(lab41 lab42 lab43 lab44)
addresses=(10.77.0.51 10.77.0.52 10.77.0.53 10.77.0.54)
cd "$FORJA_SOURCE_DIR"

on_exit() {
  local rc=$?
  forja lab remove "${hosts[@]}" >/dev/null 2>&1 || { echo "FAIL: could not remove ${hosts[*]}" >&2; rc=1; }
  rm -rf "$work"
  exit "$rc"
}
trap on_exit EXIT
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND" >&2' ERR

# default_pids: "lab1 PID" .. "lab4 PID" from forja lab status (they must not change).
default_pids() { forja lab status | awk '$1 ~ /^lab[1-4]$/ {print $1, $3}'; }
# recap_line OUTPUT HOST: the host's line of the RECAP, blanks squeezed, timing dropped.
recap_line() { sed -n '/^RECAP/,$p' <<<"$1" | awk -v h="$2" '$1 == h {print $1, $2, $3, $4, $5}'; }

# --- From a clean state ----------------------------------------------------------------------
forja lab remove "${hosts[@]}" >/dev/null
before=$(default_pids)
[[ $(wc -l <<<"$before") == 4 ]] || fail "the default lab (lab1..lab4) should run:"$'\n'"$before"
# A machine not created has no provider yet: status names the default one.
status=$(VAGRANT_DEFAULT_PROVIDER=forja_lab vagrant status)
for m in "${machines[@]}"; do
  grep -qE "^$m +not created \(lab4[1-4]\) \(forja_lab\)$" <<<"$status" ||
    fail "$m should be 'not created' on forja_lab:"$'\n'"$status"
done

# --- vagrant up: the machines boot, then ONE forja run provisions them all ------------------
t0=$(now)
up=$(vagrant up --provider=forja_lab 2>&1) || fail "vagrant up failed:"$'\n'"$up"
up_s=$(since "$t0" "$(now)")
[[ $(grep -c '^RECAP' <<<"$up") == 1 ]] || fail "forja apply should run exactly once:"$'\n'"$up"
[[ $(grep -c 'forja: inventory --from-vagrant' <<<"$up") == 1 ]] || fail "one inventory:"$'\n'"$up"
assert_contains "$up" "7 of 7 probes passed"
assert_contains "$up" "4 alive (consul-1, lb-1, web-1, web-2)"
assert_contains "$up" "2 healthy (web-1-5000, web-2-5000)"
assert_contains "$up" "requests reached all 2 replicas"
assert_contains "$up" "lab41 keeps its lab address; private_network 192.168.33.11 is not applied"
for m in "${machines[@]}"; do
  line=$(recap_line "$up" "$m")
  [[ "$line" =~ ^$m\ ok=([0-9]+)\ changed=([0-9]+)\ failed=0\ skipped=([0-9]+)$ ]] ||
    fail "$m: expected a recap line with failed=0, got '$line':"$'\n'"$up"
  changed=${BASH_REMATCH[2]}
  ((changed > 0)) || fail "$m: a fresh host should change (changed=$changed)"
  # Every change the recap counts is one '~ ... changed' line of that host, handlers aside.
  listed=$(grep -cE "^$m ~ .* changed" <<<"$up" || true)
  [[ "$listed" == "$changed" ]] || fail "$m: recap says changed=$changed, $listed change lines"
done
echo "test_vagrant: vagrant up --provider=forja_lab (boot + one forja run) in ${up_s} s;" \
  "$(sed -n '/^RECAP/,$p' <<<"$up" | awk '$2 ~ /^ok=/ {printf "%s %s ", $1, $3}')"

# The lab hosts are the machines, beside lab1..lab4, which did not restart.
status=$(forja lab status)
for i in 0 1 2 3; do
  grep -qE "^${hosts[$i]} +${addresses[$i]//./\\.} +[0-9]+ +debian +yes$" <<<"$status" ||
    fail "${hosts[$i]} should run at ${addresses[$i]}:"$'\n'"$status"
done
[[ "$(default_pids)" == "$before" ]] || fail "lab1..lab4 changed:"$'\n'"$before"$'\n'"$(default_pids)"
for i in 0 1 2 3; do
  grep -qE "^${hosts[$i]},${addresses[$i]//./\\.} ssh-ed25519 " "$LAB_KNOWN_HOSTS" || fail "${hosts[$i]}: no key in $LAB_KNOWN_HOSTS"
  grep -q "address: ${addresses[$i]}$" "$LAB_INVENTORY" || fail "${hosts[$i]}: not in $LAB_INVENTORY"
done
status=$(vagrant status)
for m in "${machines[@]}"; do
  grep -qE "^$m +running \(lab4[1-4]\) \(forja_lab\)$" <<<"$status" || fail "$m should run:"$'\n'"$status"
done

# The inventory built from `vagrant ssh-config`: the lab's addresses and key, host keys
# checked against the lab's known_hosts (never switched off), machines in site.yml's groups.
inv="$VAGRANT_DOTFILE_PATH/forja-inventory.yml"
shown=$(forja inventory -i "$inv" --json)
for i in 0 1 2 3; do
  got=$(python3 -c 'import json, sys
d = json.load(sys.stdin)
h = [h for h in d["hosts"] if h["name"] == sys.argv[1]][0]
print(h["address"], h["port"], h["user"], h["key"], h["known_hosts"], ",".join(h["groups"]))' "${machines[$i]}" <<<"$shown")
  case ${machines[$i]} in
    web-*) groups=all,consul,web ;;
    consul-1) groups=all,consul,discovery ;;
    lb-1) groups=all,consul,lb ;;
  esac
  [[ "$got" == "${addresses[$i]} 22 vagrant $LAB_KEY $LAB_KNOWN_HOSTS $groups" ]] ||
    fail "${machines[$i]}: inventory from Vagrant gives '$got'"
done
# forja verify on that inventory, on its own: every probe passes.
verified=$(forja verify -i "$inv" playbooks/site.yml) || fail "forja verify failed:"$'\n'"$verified"
assert_contains "$verified" "7 of 7 probes passed"
# The check is real: with another host's key recorded for web-1's address, forja refuses it.
sed -n 's/^lab1,10\.77\.0\.11 /lab41,10.77.0.51 /p' "$LAB_KNOWN_HOSTS" >"$work/wrong_known_hosts"
[[ -s "$work/wrong_known_hosts" ]] || fail "no key for 10.77.0.11 in $LAB_KNOWN_HOSTS"
sed "s#$LAB_KNOWN_HOSTS#$work/wrong_known_hosts#" "$inv" >"$work/wrong.yml"
rc=0
out=$(forja run -i "$work/wrong.yml" web-1 -- true 2>&1) || rc=$?
[[ $rc == 3 ]] || fail "a wrong host key should make web-1 unreachable (exit 3, got $rc):"$'\n'"$out"
assert_contains "$out" "HOST KEY CHANGED for"

# --- vagrant ssh-config and vagrant ssh, host keys strict -----------------------------------
config=$(vagrant ssh-config)
for i in 0 1 2 3; do
  block=$(awk -v h="Host ${machines[$i]}" '$0 == h {on=1; print; next} /^Host / {on=0} on' <<<"$config")
  assert_contains "$block" "HostName ${addresses[$i]}"
  assert_contains "$block" "User vagrant"
  assert_contains "$block" "Port 22"
  assert_contains "$block" "IdentityFile $LAB_KEY"
  assert_contains "$block" "Include $VAGRANT_DOTFILE_PATH/machines/${machines[$i]}/forja_lab/ssh_config"
  [[ "$block" != *"StrictHostKeyChecking no"* && "$block" != *"/dev/null"* ]] ||
    fail "${machines[$i]}: ssh-config turns host key checking off:"$'\n'"$block"
done
assert_contains "$(cat "$VAGRANT_DOTFILE_PATH/machines/lb-1/forja_lab/ssh_config")" \
  "UserKnownHostsFile $LAB_KNOWN_HOSTS"
[[ "$(vagrant ssh web-2 -c hostname 2>/dev/null | tr -d '\r')" == lab42 ]] || fail "vagrant ssh web-2 -c hostname"
effective=$(vagrant ssh lb-1 -- -G 2>/dev/null)
assert_contains "$effective" "stricthostkeychecking true"
assert_contains "$effective" "userknownhostsfile $LAB_KNOWN_HOSTS"

# --- vagrant provision: forja once more, nothing changes -------------------------------------
t0=$(now)
again=$(vagrant provision 2>&1) || fail "vagrant provision failed:"$'\n'"$again"
provision_s=$(since "$t0" "$(now)")
[[ $(grep -c '^RECAP' <<<"$again") == 1 ]] || fail "provision should run forja once:"$'\n'"$again"
assert_contains "$again" "7 of 7 probes passed"
for m in "${machines[@]}"; do
  [[ "$(recap_line "$again" "$m")" =~ ^$m\ ok=[0-9]+\ changed=0\ failed=0\ skipped=[0-9]+$ ]] ||
    fail "$m: vagrant provision should change nothing:"$'\n'"$again"
done

# --- A failing forja run fails the vagrant command, visibly ----------------------------------
# web-1's microservice stopped and masked (on its volatile overlay): starting it fails there.
lab_root_ssh lab41 'systemctl stop microservice@5000 && systemctl mask --runtime microservice@5000' >/dev/null 2>&1
rc=0
failed=$(vagrant provision 2>&1) || rc=$?
[[ $rc != 0 ]] || fail "vagrant provision should fail when forja fails:"$'\n'"$failed"
assert_contains "$failed" "forja failed (exit 1): apply -i $inv playbooks/site.yml --verify"
for m in web-2 consul-1 lb-1; do
  [[ "$(recap_line "$failed" "$m")" =~ changed=0\ failed=0 ]] || fail "$m should be unaffected:"$'\n'"$failed"
done
[[ "$(recap_line "$failed" web-1)" =~ ^web-1\ ok=[0-9]+\ changed=0\ failed=1\ skipped=[0-9]+$ ]] ||
  fail "web-1 should have exactly 1 failed state:"$'\n'"$failed"
assert_contains "$failed" "service[microservice@5000]"

# --- vagrant destroy: no host left behind ----------------------------------------------------
vagrant destroy -f >/dev/null 2>&1 || fail "vagrant destroy -f failed"
status=$(forja lab status)
for h in "${hosts[@]}"; do
  ! grep -qE "^$h " <<<"$status" || fail "$h left in the lab:"$'\n'"$status"
  ! ip netns list | grep -qE "^$h( |$)" || fail "$h: network namespace left"
  ! pgrep -f "systemd-nspawn.*--machine=$h( |$)" >/dev/null || fail "$h: nspawn left"
done
for i in 0 1 2 3; do
  ! grep -qE "^${hosts[$i]}," "$LAB_KNOWN_HOSTS" || fail "${hosts[$i]} left in $LAB_KNOWN_HOSTS"
  ! grep -q "address: ${addresses[$i]}$" "$LAB_INVENTORY" || fail "${addresses[$i]} left in $LAB_INVENTORY"
done
[[ "$(default_pids)" == "$before" ]] || fail "lab1..lab4 changed after destroy"
status=$(VAGRANT_DEFAULT_PROVIDER=forja_lab vagrant status)
for m in "${machines[@]}"; do
  grep -qE "^$m +not created" <<<"$status" || fail "$m should be gone:"$'\n'"$status"
done
echo "test_vagrant: passed (up ${up_s} s; vagrant provision ${provision_s} s, changed nothing; destroy left no host)"
