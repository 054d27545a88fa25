#!/usr/bin/env bash
# The seeds' own stack on clean lab hosts, with Consul (inventories/lab.yml): apply --verify
# passes (every node alive in `consul members`, both replicas registered by their agents and
# passing, HAProxy reaching both through Consul's DNS), Consul's ports and nothing else open. A
# no-op re-apply changes nothing and keeps Consul's data: same leader, raft term, server node
# id, registrations and agents (none restarted). A changed service definition is re-read with
# `consul reload`, losing nothing. A replica stopped by hand while clients keep asking the
# balancer: Consul marks it critical within seconds, HAProxy stops sending to it, no request
# fails; verify names the cause, plan shows the drift, apply repairs it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

inv="$FORJA_SOURCE_DIR/inventories/lab.yml"
site="$FORJA_SOURCE_DIR/playbooks/site.yml"
here="$(cd "$(dirname "$0")" && pwd)"
consul_api="http://$(lab_address lab1):8500"
balancer="http://$(lab_address lab4):8080/"
export FORJA_STATE_DIR
FORJA_STATE_DIR=$(mktemp -d)
trap 'rm -rf "$FORJA_STATE_DIR"' EXIT

# The lab's repository holds Debian's consul (the built-in list names consul/bullseye).
ls "${FORJA_LAB_CACHE:-/var/cache/forja-lab}"/repo/consul_*.deb >/dev/null 2>&1 ||
  fail "the lab's repository has no consul package: run 'forja lab down' then 'forja lab up'"

# Clean hosts: the overlays are volatile, a restart forgets everything.
for h in lab1 lab2 lab3 lab4; do forja lab stop "$h" >/dev/null; forja lab start "$h" >/dev/null; done

# A fresh host: plan never errors where apply succeeds, and says what will change.
plan=$(forja plan -i "$inv" "$site")
assert_contains "$plan" "lab1 ~ package[consul] will change"
assert_contains "$plan" "lab4 ~ template[/etc/haproxy/haproxy.cfg]"
planned=$(grep -oE '^lab[0-9] ~ [^ ]+' <<<"$plan" | grep -v handler | sort)
unknown=$(grep -oE '^lab[0-9] [?] [^ ]+' <<<"$plan" | sed 's/ ? / ~ /' | sort)

t0=$(now)
out=$(forja apply -i "$inv" "$site" --verify) || fail "apply --verify failed:"$'\n'"$out"
fresh=$(since "$t0" "$(now)")
assert_contains "$out" "7 of 7 probes passed"
assert_contains "$out" "4 alive (lab1, lab2, lab3, lab4)"
assert_contains "$out" "2 healthy (lab2-5000, lab3-5000)"
assert_contains "$out" "requests reached all 2 replicas"
applied=$(grep -oE '^lab[0-9] ~ [^ ]+' <<<"$out" | grep -v 'handler' | sort)
missing=$(comm -23 <(echo "$planned") <(echo "$applied"))
extra=$(comm -13 <(echo "$planned") <(echo "$applied") | comm -23 - <(echo "$unknown"))
[[ -z "$missing" && -z "$extra" ]] ||
  fail "plan and apply disagree; planned but not changed: [$missing]; changed but not planned: [$extra]"

# Consul as the seeds run it: one server, three clients, all alive, seen from any agent.
members=$(lab_root_ssh lab3 consul members)
[[ $(grep -cE ' alive ' <<<"$members") == 4 ]] || fail "consul members should list 4 alive nodes:"$'\n'"$members"
grep -qE '^lab1 +10\.77\.0\.11:8301 +alive +server' <<<"$members" || fail "lab1 should be the server:"$'\n'"$members"
[[ $(curl -s -m 3 "$consul_api/v1/status/leader") == '"10.77.0.11:8300"' ]] || fail "lab1 should lead"
# Consul's ports and nothing else (8600 is asked on 127.0.0.1 only).
ports() { lab_root_ssh "$1" firewall-cmd --zone=public --list-ports | tr ' ' '\n' | sort | xargs; }
[[ $(ports lab1) == "8300/tcp 8301/tcp 8301/udp 8500/tcp" ]] || fail "lab1 ports: $(ports lab1)"
[[ $(ports lab2) == "5000/tcp 8301/tcp 8301/udp" ]] || fail "lab2 ports: $(ports lab2)"
[[ $(ports lab4) == "8080/tcp 8301/tcp 8301/udp" ]] || fail "lab4 ports: $(ports lab4)"
# Each replica registered by its own agent, from a definition in its config dir.
assert_contains "$(lab_root_ssh lab2 consul catalog services -node=lab2)" "web"
assert_contains "$(lab_root_ssh lab2 cat /etc/consul.d/web-5000.hcl)" 'http = "http://10.77.0.12:5000/health"'
# HAProxy's servers come from Consul's SRV records, at runtime.
assert_contains "$(lab_root_ssh lab4 cat /etc/haproxy/haproxy.cfg)" "server-template web 10 _web._tcp.service.consul resolvers consul"

# A no-op re-apply: nothing changes, and Consul keeps its data.
consul_state() {
  local self
  self=$(curl -s -m 3 "$consul_api/v1/agent/self")
  echo "leader $(curl -s -m 3 "$consul_api/v1/status/leader")"
  echo "raft term $(json_field 'j["Stats"]["raft"]["term"]' <<<"$self")"
  echo "server node $(json_field 'j["Config"]["NodeID"]' <<<"$self")"
  echo "web index $(curl -s -m 3 -o /dev/null -D - "$consul_api/v1/health/service/web" | tr -d '\r' | awk '/^X-Consul-Index/ {print $2}')"
  curl -s -m 3 "$consul_api/v1/catalog/service/web" |
    json_field '"\n".join("registration %s created %d modified %d" % (s["ServiceID"], s["CreateIndex"], s["ModifyIndex"]) for s in j)'
  for h in lab1 lab2 lab3 lab4; do echo "$h agent $(lab_root_ssh "$h" systemctl show -p InvocationID --value consul)"; done
}
raft_index() { curl -s -m 3 "$consul_api/v1/agent/self" | json_field 'j["Stats"]["raft"]["last_log_index"]'; }
before=$(consul_state)
index_before=$(raft_index)
assert_exit 0 forja plan -i "$inv" "$site" --exit-code
t0=$(now)
again=$(forja apply -i "$inv" "$site" --json)
noop=$(since "$t0" "$(now)")
assert_unchanged "$again" lab1 lab2 lab3 lab4
after=$(consul_state)
[[ "$after" == "$before" ]] || fail "a no-op apply changed Consul:"$'\n'"before:"$'\n'"$before"$'\n'"after:"$'\n'"$after"
assert_contains "$after" "registration lab2-5000"
assert_contains "$after" "registration lab3-5000"

# A changed service definition (drift by hand): plan shows it, apply writes it back and
# `consul reload` re-reads it; the registration is the same one (not deregistered on the way).
lab_root_ssh lab2 "sed -i 's/interval = \"1s\"/interval = \"9s\"/' /etc/consul.d/web-5000.hcl && consul reload >/dev/null"
rc=0
out=$(forja plan -i "$inv" "$site" --exit-code) || rc=$?
[[ $rc == 4 ]] || fail "plan --exit-code should be 4 with a changed definition (got $rc):"$'\n'"$out"
assert_contains "$out" "lab2 ~ template[/etc/consul.d/web-5000.hcl] will change"
assert_contains "$out" '+    interval = "1s"'
out=$(forja apply -i "$inv" "$site") || fail "apply of the definition failed:"$'\n'"$out"
assert_contains "$out" "lab2 ~ template[/etc/consul.d/web-5000.hcl] changed"
assert_contains "$out" "reload-consul"
[[ "$(consul_state | grep 'registration lab2-5000')" == "$(grep 'registration lab2-5000' <<<"$before")" ]] ||
  fail "consul reload re-created lab2-5000's registration"

# A replica stops while clients keep asking the balancer.
python3 "$here/steady_requests.py" "$balancer" 14 0.02 >"$FORJA_STATE_DIR/requests.json" &
clients=$!
lab_root_ssh lab4 python3 - web "$(lab_address lab3)" 5000 12 <"$here/haproxy_watch.py" >"$FORJA_STATE_DIR/left.txt" &
watcher=$!
sleep 2
stopped=$(now)
lab_root_ssh lab3 systemctl stop microservice@5000
critical=never
while awk -v a="$stopped" -v b="$(now)" 'BEGIN {exit !(b - a < 10)}'; do
  status=$(curl -s -m 2 "$consul_api/v1/health/checks/web" |
    json_field '[c["Status"] for c in j if c["ServiceID"] == "lab3-5000"][0]' || true)
  if [[ "$status" == critical ]]; then critical=$(now); break; fi
  sleep 0.1
done
wait "$watcher" || fail "the HAProxy watcher on lab4 failed"
wait "$clients" || fail "the request loop failed"
left=$(cat "$FORJA_STATE_DIR/left.txt")
requests=$(cat "$FORJA_STATE_DIR/requests.json")
[[ "$critical" != never ]] || fail "Consul did not mark lab3-5000 critical within 10 s"
[[ "$left" != never ]] || fail "HAProxy kept lab3-5000 up for 10 s after it stopped"
sent=$(json_field 'j["sent"]' <<<"$requests")
failed=$(json_field 'j["failed"]' <<<"$requests")
[[ "$failed" == 0 ]] || fail "$failed of $sent requests through the balancer failed while lab3's replica stopped: $requests"
last_lab3=$(json_field 'j["replicas"]["lab3-5000"]["last"]' <<<"$requests")
awk -v a="$last_lab3" -v b="$stopped" 'BEGIN {exit !(a < b + 1)}' ||
  fail "lab3-5000 answered after it was stopped: $requests"
summary="replica stopped: Consul critical after $(since "$stopped" "$critical") s, out of HAProxy after $(since "$stopped" "$left") s; $sent requests through the balancer, $failed failed"

# verify names the cause; plan shows the drift; apply repairs it.
rc=0
out=$(forja verify -i "$inv" "$site" --timeout 4) || rc=$?
[[ $rc == 1 ]] || fail "verify should fail with lab3's replica stopped (exit $rc):"$'\n'"$out"
assert_contains "$out" "microservice@5000 is inactive on lab3"
assert_contains "$out" "lab3-5000: health check critical: connection refused"
assert_contains "$out" "missing: lab3-5000 (health check critical: connection refused)"
rc=0
out=$(forja plan -i "$inv" "$site" --exit-code) || rc=$?
[[ $rc == 4 ]] || fail "plan --exit-code should be 4 with drift (got $rc)"
assert_contains "$out" "lab3 ~ service[microservice@5000] will change: start"
out=$(forja apply -i "$inv" "$site" --verify) || fail "repair failed:"$'\n'"$out"
assert_contains "$out" "lab3 ~ service[microservice@5000] changed"
assert_contains "$out" "7 of 7 probes passed"
assert_contains "$out" "2 healthy (lab2-5000, lab3-5000)"

echo "test_consul_site: fresh apply --verify ${fresh} s, no-op apply ${noop} s (raft index $index_before -> $(raft_index), term and leader unchanged)"
echo "test_consul_site: $summary"
echo "test_consul_site: passed"
