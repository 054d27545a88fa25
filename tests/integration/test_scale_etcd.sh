#!/usr/bin/env bash
# forja scale on the etcd topology (inventories/lab-etcd.yml), with a client asking the balancer
# the whole time: web 2 -> 4 -> 1 -> 2. The record is kept in etcd's KV (/forja/scale/web);
# zero failed requests; after each step status lists exactly the placed replicas, all passing,
# and verify passes with one service and one http probe per replica; the final plan is empty.
# Leaves the hosts clean and no key behind.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

inv="$FORJA_SOURCE_DIR/inventories/lab-etcd.yml"
site="$FORJA_SOURCE_DIR/playbooks/site.yml"
here="$(cd "$(dirname "$0")" && pwd)"
etcd_api="http://$(lab_address lab1):2379"
balancer="http://$(lab_address lab4):8080/"
export FORJA_STATE_DIR
FORJA_STATE_DIR=$(mktemp -d)
work=$FORJA_STATE_DIR
key=$(printf '/forja/scale/web' | base64)
clean_hosts() { for h in lab1 lab2 lab3 lab4; do forja lab stop "$h" >/dev/null; forja lab start "$h" >/dev/null; done; }
cleanup() {
  touch "$work/stop" 2>/dev/null || true
  curl -s -m 3 -X POST -d "{\"key\":\"$key\"}" "$etcd_api/v3/kv/deleterange" >/dev/null 2>&1 || true
  clean_hosts
  rm -rf "$work"
}
trap cleanup EXIT
stored() {
  curl -s -m 3 -X POST -d "{\"key\":\"$key\"}" "$etcd_api/v3/kv/range" |
    json_field '__import__("base64").b64decode(j["kvs"][0]["value"]).decode() if j.get("kvs") else ""'
}

clean_hosts
out=$(forja apply -i "$inv" "$site" --verify) || fail "apply --verify on etcd failed:"$'\n'"$out"
assert_contains "$out" "7 of 7 probes passed"
[[ -z "$(stored)" ]] || fail "a plain apply should store no scale record: $(stored)"

python3 "$here/steady_requests.py" "$balancer" 600 0.02 "$work/stop" >"$work/requests.json" &
client=$!
sleep 1

# step ARG PROBES "HOST PORT INSTANCE..." (status's replica rows)
step() {
  local arg=$1 probes=$2 rows=$3 out st
  out=$(forja scale -i "$inv" "$site" "$arg") || fail "scale $arg on etcd failed:"$'\n'"$out"
  st=$(forja status -i "$inv" "$site") || fail "status after $arg should exit 0:"$'\n'"$st"
  local n
  n=$(wc -l <<<"$rows")
  assert_contains "$st" "web: desired $n, running $n, healthy $n (etcd at $etcd_api key forja/scale/web)"
  [[ "$(grep -E '^  lab[0-9]+ ' <<<"$st" | awk '{print $1, $2, $3, $4}')" == "$rows" ]] ||
    fail "status after $arg lists:"$'\n'"$st"$'\n'"expected:"$'\n'"$rows"
  out=$(forja verify -i "$inv" "$site") || fail "verify after $arg failed:"$'\n'"$out"
  assert_contains "$out" "$probes of $probes probes passed"
}
step web=4 11 "lab2 5000 lab2-5000 passing
lab2 5001 lab2-5001 passing
lab3 5000 lab3-5000 passing
lab3 5001 lab3-5001 passing"
[[ "$(stored | json_field 'j["desired"], j["replicas"]')" == "4 {'lab2': [5000, 5001], 'lab3': [5000, 5001]}" ]] ||
  fail "etcd's record after web=4: $(stored)"
step web-3 5 "lab2 5000 lab2-5000 passing"
step web+1 7 "lab2 5000 lab2-5000 passing
lab3 5000 lab3-5000 passing"
sleep 2
touch "$work/stop"
wait "$client" || fail "the request loop failed"
requests=$(cat "$work/requests.json")
sent=$(json_field 'j["sent"]' <<<"$requests")
failed=$(json_field 'j["failed"]' <<<"$requests")
[[ "$failed" == 0 ]] || fail "$failed of $sent requests through the balancer failed: $requests"
[[ "$(json_field '" ".join(sorted(j["replicas"]))' <<<"$requests")" == "lab2-5000 lab2-5001 lab3-5000 lab3-5001" ]] ||
  fail "not every replica answered through the balancer: $requests"
rc=0
plan=$(forja plan -i "$inv" "$site" --exit-code) || rc=$?
[[ $rc == 0 ]] || fail "the final plan should be empty (exit $rc):"$'\n'"$plan"
echo "test_scale_etcd: 2 -> 4 -> 1 -> 2 on etcd, $sent requests through the balancer, $failed failed"
echo "test_scale_etcd: passed"
