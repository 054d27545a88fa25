#!/usr/bin/env bash
# Boots the lab (ctest fixture setup) and proves every host is usable the way tests use it:
# SSH as root, vagrant and deploy with strict host keys, sudo rules, offline apt.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

hosts="${FORJA_LAB_HOSTS:-4}"
forja lab up --hosts "$hosts" || fail "forja lab up --hosts $hosts failed"
[[ -s "$LAB_INVENTORY" ]] || fail "no inventory at $LAB_INVENTORY"

names=$(lab_hosts)
[[ $(wc -l <<<"$names") -ge "$hosts" ]] || fail "inventory lists fewer than $hosts hosts"
keys=$(awk '{print $3}' "$LAB_KNOWN_HOSTS" | sort -u | wc -l)
[[ "$keys" -ge "$hosts" ]] || fail "expected $hosts distinct host keys in $LAB_KNOWN_HOSTS, got $keys"

for host in $names; do
  [[ "$(lab_root_ssh "$host" hostname)" == "$host" ]] || fail "$host: root ssh or hostname wrong"
  lab_ssh vagrant "$host" sudo -n true || fail "$host: vagrant has no passwordless sudo"
  assert_exit 1 lab_ssh deploy "$host" "sudo -n true 2>/dev/null"
  printf '%s\n' "$FORJA_LAB_SUDO_PASSWORD" | lab_ssh deploy "$host" "sudo -S -p '' true" ||
    fail "$host: deploy's sudo does not take the lab password"
  state=$(lab_root_ssh "$host" systemctl is-system-running || true)
  [[ "$state" == running || "$state" == degraded || "$state" == starting ]] ||
    fail "$host: systemd is '$state'"
done

status=$(forja lab status)
assert_contains "$status" "lab1"
assert_contains "$status" "yes"

if [[ "$hosts" -ge 2 ]]; then
  lab_root_ssh lab1 "timeout 5 bash -c '</dev/tcp/lab2/22'" || fail "lab1 cannot reach lab2:22"
fi

# Offline packages from the local repository (the overlay is volatile: a reboot undoes it).
lab_root_ssh lab1 "DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null" ||
  fail "lab1: apt-get update against the local repository failed"
lab_root_ssh lab1 "DEBIAN_FRONTEND=noninteractive apt-get install -y -q curl >/dev/null" ||
  fail "lab1: apt-get install curl from the local repository failed"
assert_contains "$(lab_root_ssh lab1 curl --version)" "curl"

echo "lab_up: $hosts hosts answer SSH (root, vagrant, deploy), sudo and offline apt work"
