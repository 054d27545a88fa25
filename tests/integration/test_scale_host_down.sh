#!/usr/bin/env bash
# A web host dies (forja lab stop lab3) while a client asks the balancer: apply places its
# replica on the live web host (lab2 runs 5000 and 5001), stores that in Consul's KV, and the
# client sees failures only while the balancer's health check notices the loss (reported, and
# bounded). The host comes back (clean, as the lab's volatile hosts do) and apply again: the
# count stays 2, nothing runs on lab3 (its old replica is retired), the plan is empty. Then
# web=1, web=2 bring the default shape back (lab2:5000, lab3:5000) and the key is removed.
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
  touch "$work/stop" 2>/dev/null || true
  forja lab start lab3 >/dev/null 2>&1 || true
  curl -s -m 3 -X DELETE "$consul_api/v1/kv/forja/scale/web" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

stored() { curl -s -m 3 "$consul_api/v1/kv/forja/scale/web?raw"; }
registered() {
  curl -s -m 3 "$consul_api/v1/health/service/web?passing" |
    json_field '" ".join(sorted(e["Service"]["ID"] for e in j))'
}

for h in lab1 lab2 lab3 lab4; do forja lab stop "$h" >/dev/null; forja lab start "$h" >/dev/null; done
out=$(forja apply -i "$inv" "$site" --verify) || fail "apply --verify failed:"$'\n'"$out"

stop="$work/stop"
python3 "$here/steady_requests.py" "$balancer" 600 0.02 "$stop" >"$work/requests.json" &
client=$!
sleep 2
down_at=$(now)
forja lab stop lab3 >/dev/null
rc=0
out=$(forja apply -i "$inv" "$site" 2>&1) || rc=$?
applied_at=$(now)
# lab3 cannot be reached: apply says so (exit 3) and converges the others.
[[ $rc == 3 ]] || fail "apply with lab3 down should exit 3 (unreachable), got $rc:"$'\n'"$out"
assert_contains "$out" "web: lab3 is down ("
assert_contains "$out" "web: 2 replica(s) kept: lab3-5000 retired, lab2-5001 placed"
[[ $(stored | json_field 'j["desired"], j["replicas"], j["retired"]') == "2 {'lab2': [5000, 5001]} {'lab3': [5000]}" ]] ||
  fail "stored record with lab3 down: $(stored)"
served=never
while awk -v a="$applied_at" -v b="$(now)" 'BEGIN {exit !(b - a < 30)}'; do
  if [[ $(registered) == "lab2-5000 lab2-5001" ]]; then served=$(now); break; fi
  sleep 0.2
done
[[ "$served" != never ]] || fail "Consul should list lab2-5000 lab2-5001 passing within 30 s: $(registered)"
sleep 3
touch "$stop"
wait "$client" || fail "the request loop failed"
requests=$(cat "$work/requests.json")
sent=$(json_field 'j["sent"]' <<<"$requests")
failed=$(json_field 'j["failed"]' <<<"$requests")
last_fail=$(json_field 'max([float(f.split()[0]) for f in j["failures"]] or [0])' <<<"$requests")
first_fail=$(json_field 'min([float(f.split()[0]) for f in j["failures"]] or [0])' <<<"$requests")
json_field "int(j['replicas'].get('lab2-5001', {}).get('last', 0) > $served)" <<<"$requests" | grep -qx 1 ||
  fail "lab2-5001 got no request through the balancer: $requests"
# Failures only while the balancer notices the loss: 2 failed checks 1 s apart, plus a resolution.
if [[ "$failed" != 0 ]]; then
  awk -v a="$down_at" -v b="$last_fail" 'BEGIN {exit !(b - a < 6)}' ||
    fail "requests failed $(since "$down_at" "$last_fail") s after lab3 went down: $requests"
  window="failures from $(since "$down_at" "$first_fail") s to $(since "$down_at" "$last_fail") s after the stop"
else
  window="no failure"
fi
summary="lab3 down: apply took $(since "$down_at" "$applied_at") s, lab2-5001 passing $(since "$down_at" "$served") s after the stop; $sent requests, $failed failed ($window)"

# lab3 is back (clean): apply again; the count stays 2, lab3 runs nothing.
forja lab start lab3 >/dev/null
out=$(forja apply -i "$inv" "$site") || fail "apply with lab3 back failed:"$'\n'"$out"
[[ $(registered) == "lab2-5000 lab2-5001" ]] || fail "after lab3 came back Consul lists: $(registered)"
[[ $(lab_root_ssh lab3 systemctl is-active microservice@5000 || true) != active ]] || fail "lab3 runs microservice@5000 again"
rc=0
plan=$(forja plan -i "$inv" "$site" --exit-code) || rc=$?
[[ $rc == 0 ]] || fail "plan after lab3 came back should be empty (exit $rc):"$'\n'"$plan"
st=$(forja status -i "$inv" "$site") || fail "status:"$'\n'"$st"
assert_contains "$st" "web: desired 2, running 2, healthy 2"

# Back to the default shape: web=1 drains lab2-5001, web=2 places lab3:5000.
out=$(forja scale -i "$inv" "$site" web=1) || fail "scale web=1 failed:"$'\n'"$out"
assert_contains "$out" "  - lab2:5001 (lab2-5001: drained, then stopped)"
out=$(forja scale -i "$inv" "$site" web=2) || fail "scale web=2 failed:"$'\n'"$out"
assert_contains "$out" "  + lab3:5000 (lab3-5000)"
[[ $(registered) == "lab2-5000 lab3-5000" ]] || fail "after web=2 Consul lists: $(registered)"
curl -s -m 3 -X DELETE "$consul_api/v1/kv/forja/scale/web" >/dev/null
rc=0
plan=$(forja plan -i "$inv" "$site" --exit-code) || rc=$?
[[ $rc == 0 ]] || fail "plan in the default shape should be empty (exit $rc):"$'\n'"$plan"
echo "$summary"
