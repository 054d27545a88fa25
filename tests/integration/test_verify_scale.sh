#!/usr/bin/env bash
# verify at 30 replicas: site.yml on 32 lab hosts (1 discovery, 30 web, 1 balancer) passes
# verify with no false failure, in lines a person can read; stopping 3 replicas makes verify
# name exactly those 3. Leaves the lab at 4 hosts.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
export FORJA_STATE_DIR="$work/state"
restore() {
  rm -rf "$work"
  forja lab down >/dev/null 2>&1 || true
  forja lab up >/dev/null 2>&1 || true
}
trap restore EXIT
sysctl -qw fs.inotify.max_user_instances=8192 fs.inotify.max_user_watches=1048576
forja lab down >/dev/null
forja lab up --hosts 32 >/dev/null

# site.yml's topology over lab1..lab32: lab1 discovery, lab32 the balancer, lab2..lab31 web.
inv="$work/lab32.yml"
{
  printf 'defaults:\n  user: vagrant\n  key: %s\n  known_hosts: %s\n  become: true\nhosts:\n' "$LAB_KEY" "$LAB_KNOWN_HOSTS"
  for i in $(seq 1 32); do printf '  lab%d: {address: 10.77.0.%d}\n' "$i" $((10 + i)); done
  printf 'groups:\n  discovery:\n    hosts: [lab1]\n    vars: {firewall_ports: "2379/tcp 2380/tcp"}\n'
  printf '  web:\n    hosts: [%s]\n    vars: {firewall_ports: ""}\n' "$(seq -s ', ' -f 'lab%g' 2 31)"
  printf '  lb:\n    hosts: [lab32]\n    vars: {firewall_ports: "8080/tcp"}\n'
  printf '  etcd:\n    children: [discovery, web, lb]\n    vars: {discovery_backend: etcd, discovery_url: "http://10.77.0.11:2379"}\n'
  printf '  consul:\n    hosts: []\n  consul_release:\n    hosts: []\n'
} >"$inv"
site="$FORJA_SOURCE_DIR/playbooks/site.yml"

out=$(forja apply -i "$inv" "$site" --verify --verify-timeout 90) || fail "apply --verify on 32 hosts failed:"$'\n'"$out"
assert_contains "$out" "lb_spread"
assert_contains "$out" "reached all 30 replicas"
assert_contains "$out" "30 healthy (lab2-5000 ... lab31-5000)"
assert_contains "$out" "microservice@5000 on 30 hosts"
# Readable: no line of the verify table carries the 30 instances.
longest=$(sed -n '/^VERIFY/,$p' <<<"$out" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
((longest < 200)) || fail "a verify line is $longest characters long:"$'\n'"$out"

# Three replicas stopped: verify names exactly those three, and nothing else.
for h in lab5 lab17 lab30; do lab_root_ssh "$h" systemctl stop microservice@5000; done
rc=0
out=$(forja verify -i "$inv" "$site" --timeout 20) || rc=$?
[[ $rc == 1 ]] || fail "verify should fail with 3 replicas stopped (exit $rc):"$'\n'"$out"
# The failure details (the indented lines under FAIL rows) name the stopped replicas only.
named=$(grep -oE 'lab[0-9]+' <<<"$(sed -n '/^VERIFY/,$p' <<<"$out" | grep -E '^      ')" | sort -u | tr '\n' ' ')
[[ "$named" == "lab17 lab30 lab5 " ]] || fail "verify should name exactly lab5, lab17 and lab30; it named: $named"$'\n'"$out"
assert_contains "$out" "27 of 30 passed"
echo "test_verify_scale: passed"
