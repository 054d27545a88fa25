#!/usr/bin/env bash
# The exam topology with etcd (inventories/lab-etcd.yml; test_consul_site.sh has it with Consul)
# end to end on clean lab hosts: apply site.yml, verify passes, plan is empty, apply again
# changes nothing; stop a Flask replica by hand: verify names it, plan shows the drift, apply
# repairs it, verify passes again.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

inv="$FORJA_SOURCE_DIR/inventories/lab-etcd.yml"
site="$FORJA_SOURCE_DIR/playbooks/site.yml"
export FORJA_STATE_DIR
FORJA_STATE_DIR=$(mktemp -d)
trap 'rm -rf "$FORJA_STATE_DIR"' EXIT

# Clean hosts: the overlays are volatile, a restart forgets everything.
for h in lab1 lab2 lab3 lab4; do forja lab stop "$h" >/dev/null; forja lab start "$h" >/dev/null; done

# A fresh host: plan never errors where apply succeeds, and says what will change.
plan=$(forja plan -i "$inv" "$site")
assert_contains "$plan" "lab2 ~ package[python3-venv,python3-flask,python3-pip] will change"
assert_contains "$plan" "(after: "
planned=$(grep -oE '^lab[0-9] ~ [^ ]+' <<<"$plan" | grep -v handler | sort)
unknown=$(grep -oE '^lab[0-9] [?] [^ ]+' <<<"$plan" | sed 's/ ? / ~ /' | sort)

out=$(forja apply -i "$inv" "$site" --verify) || fail "apply --verify failed:"$'\n'"$out"
assert_contains "$out" "7 of 7 probes passed"
assert_contains "$out" "requests reached all 2 replicas"
applied=$(grep -oE '^lab[0-9] ~ [^ ]+' <<<"$out" | grep -v 'handler' | sort)
# The plan never lies: every state it marked '~' was changed by apply, and apply changed
# nothing else except states the plan marked '?' (unknowable until an earlier change ran).
missing=$(comm -23 <(echo "$planned") <(echo "$applied"))
extra=$(comm -13 <(echo "$planned") <(echo "$applied") | comm -23 - <(echo "$unknown"))
[[ -z "$missing" && -z "$extra" ]] ||
  fail "plan and apply disagree; planned but not changed: [$missing]; changed but not planned: [$extra]"

assert_exit 0 forja plan -i "$inv" "$site" --exit-code
again=$(forja apply -i "$inv" "$site" --json)
assert_unchanged "$again" lab1 lab2 lab3 lab4

# Traffic really spreads: through HAProxy, both replicas answer.
seen=$(for _ in $(seq 10); do curl -s -m 3 http://10.77.0.14:8080/; done | sort -u)
assert_contains "$seen" "lab2-5000"
assert_contains "$seen" "lab3-5000"

# Drift: stop the Flask service on lab3 by hand.
lab_root_ssh lab3 systemctl stop microservice@5000
rc=0
out=$(forja verify -i "$inv" "$site" --timeout 4) || rc=$?
[[ $rc == 1 ]] || fail "verify should fail with lab3's replica stopped (exit $rc):"$'\n'"$out"
assert_contains "$out" "microservice@5000 is inactive on lab3"
assert_contains "$out" "missing: lab3"
rc=0
out=$(forja plan -i "$inv" "$site" --exit-code) || rc=$?
[[ $rc == 4 ]] || fail "plan --exit-code should be 4 with drift (got $rc)"
assert_contains "$out" "lab3 ~ service[microservice@5000] will change: start"
out=$(forja apply -i "$inv" "$site" --verify) || fail "repair failed:"$'\n'"$out"
assert_contains "$out" "lab3 ~ service[microservice@5000] changed"
assert_contains "$out" "7 of 7 probes passed"
echo "test_site: passed"
