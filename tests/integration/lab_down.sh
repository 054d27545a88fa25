#!/usr/bin/env bash
# Takes the lab down (ctest fixture cleanup) and proves nothing is left behind.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

forja lab down || fail "forja lab down failed"

left=$(pgrep -a -f 'systemd-nspawn.*--machine=lab[0-9]' || true)
[[ -z "$left" ]] || fail "nspawn processes left:"$'\n'"$left"
netns=$(ip netns list | grep -E '^lab[0-9]+' || true)
[[ -z "$netns" ]] || fail "network namespaces left:"$'\n'"$netns"
! ip link show forja0 >/dev/null 2>&1 || fail "bridge forja0 left"
veths=$(ip -o link show | grep -E ': fj-lab[0-9]+' || true)
[[ -z "$veths" ]] || fail "veths left:"$'\n'"$veths"
assert_contains "$(forja lab status)" "the lab is down"

echo "lab_down: no nspawn, namespace, veth or bridge left"
