#!/usr/bin/env bash
# forja scale on the lab's Consul topology, with a client asking the balancer the whole time:
# web 2 -> 4 (web=4: both hosts run out, each gets a second instance on 5001) -> 1 (web-3) ->
# 2 (web+1). Zero failed requests; after each step every listed replica answered through the
# balancer, the ones taken away are stopped, disabled, deregistered and their ports closed; the
# count is in Consul's KV; the final plan is empty. Also: --dry-run changes nothing and shows
# the plan, a bad argument is a located error (2), an unreachable store changes nothing (3),
# status and status --dot (rendered with Graphviz's dot). Leaves no key behind.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

inv="$FORJA_SOURCE_DIR/inventories/lab.yml"
site="$FORJA_SOURCE_DIR/playbooks/site.yml"
here="$(cd "$(dirname "$0")" && pwd)"
consul_api="http://$(lab_address lab1):8500"
balancer="http://$(lab_address lab4):8080/"
export FORJA_STATE_DIR
FORJA_STATE_DIR=$(mktemp -d)
work=$FORJA_STATE_DIR
cleanup() {
  curl -s -m 3 -X DELETE "$consul_api/v1/kv/forja/scale/web" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

stored() { curl -s -m 3 "$consul_api/v1/kv/forja/scale/web?raw"; }
ports() { lab_root_ssh "$1" firewall-cmd --zone=public --list-ports | tr ' ' '\n' | sort | xargs; }
registered() {
  curl -s -m 3 "$consul_api/v1/health/service/web?passing" |
    json_field '" ".join(sorted(e["Service"]["ID"] for e in j))'
}

for h in lab1 lab2 lab3 lab4; do forja lab stop "$h" >/dev/null; forja lab start "$h" >/dev/null; done
out=$(forja apply -i "$inv" "$site" --verify) || fail "apply --verify failed:"$'\n'"$out"
[[ $(curl -s -m 3 -o /dev/null -w '%{http_code}' "$consul_api/v1/kv/forja/scale/web") == 404 ]] ||
  fail "a plain apply should store no scale record"
[[ $(ports lab2) == "5000/tcp 8301/tcp 8301/udp" ]] || fail "lab2 ports: $(ports lab2)"

# Bad input: located, exit 2, nothing contacted.
assert_exit 2 forja scale -i "$inv" "$site" web=4x
assert_contains "$(forja scale -i "$inv" "$site" web=4x 2>&1 || true)" "scale argument 'web=4x':6: 'x' is not a digit"
assert_contains "$(forja scale -i "$inv" "$site" wbe=3 2>&1 || true)" "'wbe' is not a scaled service"
# An unreachable store: nothing changes, exit 3.
sed 's|discovery_url: "http://10.77.0.11:8500"|discovery_url: "http://10.77.0.11:1"|' "$inv" >"$work/unreachable.yml"
rc=0
err=$(forja scale -i "$work/unreachable.yml" "$site" web=4 2>&1) || rc=$?
[[ $rc == 3 ]] || fail "scale with an unreachable store should exit 3 (got $rc): $err"
assert_contains "$err" "the scale store (consul at http://10.77.0.11:1) is unreachable"

# --dry-run: the placement and the plan, as forja plan shows it; nothing stored, nothing started.
rc=0
dry=$(forja scale -i "$inv" "$site" web=4 --dry-run --exit-code) || rc=$?
[[ $rc == 4 ]] || fail "scale --dry-run --exit-code should be 4 (got $rc):"$'\n'"$dry"
assert_contains "$dry" "web: 2 -> 4 replica(s) (consul at http://10.77.0.11:8500 key forja/scale/web, not stored yet)"
assert_contains "$dry" "  + lab2:5001 (lab2-5001)"
assert_contains "$dry" "  + lab3:5001 (lab3-5001)"
assert_contains "$dry" "lab2 ~ service[microservice@5001] will change"
assert_contains "$dry" "lab3 ~ template[/etc/consul.d/web-5001.hcl] will change"
assert_contains "$dry" "lab2 ~ firewall[public] will change"
[[ -z "$(stored)" ]] || fail "--dry-run stored a record: $(stored)"
[[ $(registered) == "lab2-5000 lab3-5000" ]] || fail "--dry-run changed the registrations: $(registered)"

report=""
# step ARG "EXPECTED REPLICAS" "GONE REPLICAS": scale while a client asks the balancer.
step() {
  local arg=$1 expected=$2 gone=$3 stop="$work/stop" t0 t1 out requests
  rm -f "$stop"
  python3 "$here/steady_requests.py" "$balancer" 600 0.02 "$stop" >"$work/requests.json" &
  local client=$!
  sleep 1
  t0=$(now)
  out=$(forja scale -i "$inv" "$site" "$arg") || { touch "$stop"; fail "scale $arg failed:"$'\n'"$out"; }
  t1=$(now)
  sleep 3  # the client keeps asking: every replica must answer after the step
  touch "$stop"
  wait "$client" || fail "the request loop failed"
  requests=$(cat "$work/requests.json")
  local sent failed
  sent=$(json_field 'j["sent"]' <<<"$requests")
  failed=$(json_field 'j["failed"]' <<<"$requests")
  [[ "$failed" == 0 ]] || fail "scale $arg: $failed of $sent requests failed: $requests"
  for r in $expected; do
    json_field "int(j['replicas'].get('$r', {}).get('last', 0) > $t1)" <<<"$requests" | grep -qx 1 ||
      fail "scale $arg: $r got no request through the balancer after the step: $requests"
  done
  for r in $gone; do
    json_field "int(j['replicas'].get('$r', {}).get('last', 0) < $t1)" <<<"$requests" | grep -qx 1 ||
      fail "scale $arg: $r still answered after the step: $requests"
  done
  [[ $(registered) == "$expected" ]] || fail "scale $arg: Consul lists [$(registered)], expected [$expected]"
  assert_contains "$out" "web: $(wc -w <<<"$expected") replica(s): "
  report+="scale $arg: $(since "$t0" "$t1") s; $sent requests through the balancer during the step, $failed failed"$'\n'
  echo "$out" >"$work/last-scale.txt"
}

step web=4 "lab2-5000 lab2-5001 lab3-5000 lab3-5001" ""
assert_contains "$(cat "$work/last-scale.txt")" "web: lab2-5001 served a request through $balancer"
assert_contains "$(cat "$work/last-scale.txt")" "web: lab3-5001 served a request through $balancer"
[[ $(stored | json_field 'j["desired"], j["replicas"]') == "4 {'lab2': [5000, 5001], 'lab3': [5000, 5001]}" ]] ||
  fail "stored record after web=4: $(stored)"
[[ $(ports lab2) == "5000/tcp 5001/tcp 8301/tcp 8301/udp" ]] || fail "lab2 ports at 4: $(ports lab2)"
[[ $(ports lab3) == "5000/tcp 5001/tcp 8301/tcp 8301/udp" ]] || fail "lab3 ports at 4: $(ports lab3)"
# A plain apply keeps the scale (it reads the record), and changes nothing.
out=$(forja apply -i "$inv" "$site" --json) || fail "apply after scaling failed:"$'\n'"$out"
assert_unchanged "$out" lab1 lab2 lab3 lab4
# status: desired, running, healthy, and where.
st=$(forja status -i "$inv" "$site") || fail "status should exit 0 when all is well:"$'\n'"$st"
assert_contains "$st" "web: desired 4, running 4, healthy 4 (consul at http://10.77.0.11:8500 key forja/scale/web)"
assert_contains "$st" "  lab2       5001   lab2-5001    passing"
forja status -i "$inv" "$site" --dot >"$work/topology.dot" || fail "status --dot failed"
dot -Tsvg "$work/topology.dot" >"$work/topology.svg" || fail "dot refused the picture: $(cat "$work/topology.dot")"
grep -q '<svg' "$work/topology.svg" || fail "dot drew no SVG"
for r in lab2-5000 lab2-5001 lab3-5000 lab3-5001; do
  grep -q "<title>lb:web&#45;&gt;${r//-/"&#45;"}</title>" "$work/topology.svg" || fail "the picture has no edge balancer -> $r"
done
[[ -n "${FORJA_SCALE_SVG:-}" ]] && cp "$work/topology.svg" "$FORJA_SCALE_SVG"
# verify expects the replicas the record places: a service and an http probe for each of the 4.
out=$(forja verify -i "$inv" "$site") || fail "verify at web=4 failed:"$'\n'"$out"
assert_contains "$out" "11 of 11 probes passed"
assert_contains "$out" "4 healthy (lab2-5000, lab2-5001, lab3-5000, lab3-5001)"

step web-3 "lab2-5000" "lab2-5001 lab3-5000 lab3-5001"
assert_contains "$(cat "$work/last-scale.txt")" "web: drained lab3-5001, lab2-5001, lab3-5000 in"
for unit in lab3:5000 lab3:5001 lab2:5001; do
  h=${unit%:*} p=${unit#*:}
  [[ $(lab_root_ssh "$h" systemctl is-active "microservice@$p" || true) == inactive ]] || fail "microservice@$p still runs on $h"
  [[ $(lab_root_ssh "$h" systemctl is-enabled "microservice@$p" || true) == disabled ]] || fail "microservice@$p still enabled on $h"
  lab_root_ssh "$h" test ! -e "/etc/consul.d/web-$p.hcl" || fail "$h still has web-$p.hcl"
done
[[ $(ports lab2) == "5000/tcp 8301/tcp 8301/udp" ]] || fail "lab2 ports at 1: $(ports lab2)"
[[ $(ports lab3) == "8301/tcp 8301/udp" ]] || fail "lab3 ports at 1: $(ports lab3)"
# ...and none for the retired ones (lab3 runs no replica now).
out=$(forja verify -i "$inv" "$site") || fail "verify at web=1 failed:"$'\n'"$out"
assert_contains "$out" "5 of 5 probes passed"
assert_contains "$out" "1 healthy (lab2-5000)"

step web+1 "lab2-5000 lab3-5000" "lab2-5001 lab3-5001"
[[ $(stored | json_field 'j["desired"], j["replicas"]') == "2 {'lab2': [5000], 'lab3': [5000]}" ]] ||
  fail "stored record after web+1: $(stored)"
rc=0
plan=$(forja plan -i "$inv" "$site" --exit-code) || rc=$?
[[ $rc == 0 ]] || fail "the final plan should be empty (exit $rc):"$'\n'"$plan"

# No key left behind: without it the default shape is the same two replicas, plan still empty.
curl -s -m 3 -X DELETE "$consul_api/v1/kv/forja/scale/web" >/dev/null
rc=0
plan=$(forja plan -i "$inv" "$site" --exit-code) || rc=$?
[[ $rc == 0 ]] || fail "plan without a record should be empty (exit $rc):"$'\n'"$plan"
printf '%s' "$report"
