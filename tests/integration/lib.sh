# shellcheck shell=bash
# Helpers for forja's integration tests. Source it first:
#   source "$(dirname "$0")/lib.sh"
# ctest sets FORJA (the forja binary) and FORJA_SOURCE_DIR. The lab (booted by lab_up.sh)
# writes its inventory and keys to $LAB_DIR.
set -euo pipefail

: "${FORJA:?set FORJA to the forja binary (ctest does), e.g. FORJA=build/forja}"
export FORJA
export FORJA_SOURCE_DIR="${FORJA_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export LAB_DIR="${FORJA_LAB_DIR:-/var/lib/forja-lab}"
export LAB_INVENTORY="$LAB_DIR/inventory.yml"                # user vagrant, passwordless sudo
export LAB_DEPLOY_INVENTORY="$LAB_DIR/inventory-deploy.yml"  # user deploy, sudo asks a password
export LAB_KEY="$LAB_DIR/id_ed25519"
export LAB_KNOWN_HOSTS="$LAB_DIR/known_hosts"
# deploy's sudo password (documented lab password); inventory-deploy.yml names this variable.
export FORJA_LAB_SUDO_PASSWORD="${FORJA_LAB_SUDO_PASSWORD:-forja-lab-sudo}"

# forja ARGS...: run the forja under test.
forja() { "$FORJA" "$@"; }

# fail MSG...: print the message and end the test with exit 1.
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# assert_contains HAYSTACK NEEDLE: fail unless HAYSTACK contains NEEDLE.
assert_contains() {
  [[ "$1" == *"$2"* ]] || fail "expected to find '$2' in:"$'\n'"$1"
}

# assert_exit EXPECTED CMD...: run CMD, fail unless it exits with EXPECTED.
assert_exit() {
  local expected=$1 rc=0
  shift
  "$@" || rc=$?
  [[ "$rc" == "$expected" ]] || fail "expected exit $expected, got $rc from: $*"
}

# lab_hosts: the lab's host names, one a line (from the inventory).
lab_hosts() {
  awk '/^hosts:/ {in_hosts=1; next} /^[^ ]/ {in_hosts=0} in_hosts && /^  [a-z0-9]+:$/ {sub(":", ""); print $1}' \
    "$LAB_INVENTORY"
}

# lab_address HOST: the address of a lab host name (an address is returned as it is).
lab_address() {
  if [[ "$1" =~ ^[0-9.]+$ ]]; then
    echo "$1"
    return
  fi
  local address
  address=$(awk -v host="  $1:" '$0 == host {getline; print $2; exit}' "$LAB_INVENTORY")
  [[ -n "$address" ]] || fail "no lab host '$1' in $LAB_INVENTORY"
  echo "$address"
}

# lab_ssh USER HOST CMD...: the system ssh with the lab key and strict host-key checking
# against the lab's known_hosts (nothing weakened). CMD is run by the remote shell.
lab_ssh() {
  local user=$1 host=$2
  shift 2
  ssh -i "$LAB_KEY" -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=10 \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" \
    -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR \
    -l "$user" "$(lab_address "$host")" -- "$@"
}

# lab_root_ssh HOST CMD...: lab_ssh as root.
lab_root_ssh() {
  local host=$1
  shift
  lab_ssh root "$host" "$@"
}

# lab_root_scp HOST DEST FILE...: copy files to HOST:DEST as root, with the lab key and strict
# host-key checking as lab_ssh does.
lab_root_scp() {
  local host=$1 dest=$2
  shift 2
  scp -q -i "$LAB_KEY" -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=10 \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" \
    -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR \
    "$@" "root@$(lab_address "$host"):$dest"
}

# json_recap: from a --json event stream on stdin, one line per host:
# "HOST ok=N changed=N failed=N skipped=N unreachable=true|false".
json_recap() {
  python3 -c 'import json, sys
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("{"): continue
    e = json.loads(line)
    if e.get("event") == "host_finished":
        print("%s ok=%d changed=%d failed=%d skipped=%d unreachable=%s" % (e["host"], e["ok"], e["changed"], e["failed"], e["skipped"], str(e["unreachable"]).lower()))' | sort
}

# json_states STATUS: from a --json event stream on stdin, "HOST ID" for every state (not
# handler) with that status ("changed", "ok", "will change", ...), sorted.
json_states() {
  python3 -c 'import json, sys
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("{"): continue
    e = json.loads(line)
    if e.get("event") == "state" and e["status"] == sys.argv[1]:
        print(e["host"], e["id"])' "$1" | sort
}

# assert_unchanged JSON HOST...: every listed host (and no other) finished with ok states only.
assert_unchanged() {
  local json=$1 expected="" h
  shift
  for h in "$@"; do
    expected+="$h "
  done
  local got
  got=$(json_recap <<<"$json")
  local want
  want=$(for h in "$@"; do
    local ok
    ok=$(grep "^$h " <<<"$got" | sed -E 's/.* ok=([0-9]+) .*/\1/')
    echo "$h ok=$ok changed=0 failed=0 skipped=0 unreachable=false"
  done | sort)
  [[ "$got" == "$want" ]] || fail "expected no change on $expected; recap:"$'\n'"$got"
}

# now: Unix time with milliseconds (the lab's hosts share this machine's clock).
now() { date +%s.%3N; }
# since T0 T1: seconds from T0 to T1, one decimal.
since() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }
# json_field EXPR: a Python expression over `j` (the JSON on stdin), printed.
json_field() { python3 -c "import json, sys; j = json.load(sys.stdin); print($1)"; }
