#!/usr/bin/env bash
# What a new user meets in the first hour (issue 17), on a real host (lab4): a playbook named
# bare from its own directory and through a symlink, -e variables, a loop over users, the plan's
# summary, the firewall only adding by default and telling runtime from permanent, a validate
# failure naming the command that ran, a --tags typo refused before any host is contacted.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
export FORJA_STATE_DIR="$work/state"
trap 'rm -rf "$work"' EXIT
forja lab stop lab4 >/dev/null
forja lab start lab4 >/dev/null
on() { lab_root_ssh lab4 "$@"; }

mkdir -p "$work/project/templates" "$work/elsewhere"
cat >"$work/project/redis.yml" <<'YAML'
plays:
  - hosts: lab4
    states:
      - package: firewalld
      - service: firewalld
        state: running
        enabled: true
      - firewall: public
        ports: ["{{port}}/tcp"]
        require: service[firewalld]
      - user: "{{item}}"
        loop: "{{admins}}"
        shell: /bin/bash
        id: admins
      - template: /etc/forja-redis.conf
        src: redis.conf.mustache
        require: admins
        tags: [config]
YAML
printf 'port {{port}}\n{{#admins}}# admin {{.}}\n{{/admins}}' >"$work/project/templates/redis.conf.mustache"
printf 'admins: [alice, bob]\nport: "6000"\n' >"$work/project/extra.yml"
ln -s "$work/project/redis.yml" "$work/elsewhere/linked.yml"

# A --tags typo is bad input, before any host is contacted.
cd "$work/project"
rc=0
out=$(forja plan -i "$LAB_INVENTORY" redis.yml -e @extra.yml --tags confg --exit-code 2>&1) || rc=$?
[[ $rc == 2 ]] || fail "a --tags typo exited $rc, not 2:"$'\n'"$out"
assert_contains "$out" "did you mean 'config'?"

# The bare name, with -e from a file and a later -e on top: every item its own state; what
# waits for firewalld is counted apart.
rc=0
out=$(forja plan -i "$LAB_INVENTORY" redis.yml -e @extra.yml -e port=6380 --exit-code 2>&1) || rc=$?
[[ $rc == 4 ]] || fail "plan exited $rc, not 4:"$'\n'"$out"
assert_contains "$out" "lab4 ~ user[alice] will change"
assert_contains "$out" "lab4 ~ user[bob] will change"
assert_contains "$out" "lab4 ? firewall[public] unknown: open 6380/tcp in zone public (firewalld not installed yet)"
assert_contains "$out" "4 to change, 2 that depend on earlier changes"
assert_contains "$out" "+port 6380"

out=$(forja apply -i "$LAB_INVENTORY" redis.yml -e @extra.yml -e port=6380 2>&1) || fail "apply failed:"$'\n'"$out"
on 'id -u alice && id -u bob' >/dev/null || fail "the looped users were not created"
[[ "$(on cat /etc/forja-redis.conf)" == $'port 6380\n# admin alice\n# admin bob' ]] ||
  fail "the template did not get the -e values: $(on cat /etc/forja-redis.conf)"

# The firewall only added: what Debian's zone opens stays open, in both layers.
for layer in "" "--permanent"; do
  services=$(on "firewall-cmd $layer --zone=public --list-services")
  [[ "$services" == *dhcpv6-client* ]] || fail "exclusive is not the default: $layer services: $services"
  [[ "$(on "firewall-cmd $layer --zone=public --list-ports")" == "6380/tcp" ]] || fail "6380/tcp is not open ($layer)"
done

# Through a symlink from another directory: converged (exit 0).
cd "$work/elsewhere"
rc=0
out=$(forja plan -i "$LAB_INVENTORY" linked.yml -e @../project/extra.yml -e port=6380 --exit-code 2>&1) || rc=$?
[[ $rc == 0 ]] || fail "the plan after apply, through a symlink, exited $rc:"$'\n'"$out"

# A port opened at runtime only: converged for a non-exclusive zone, and each layer says what
# it really has.
on 'firewall-cmd -q --zone=public --add-port=9999/tcp'
out=$(forja plan -i "$LAB_INVENTORY" linked.yml -e @../project/extra.yml -e port=6380 -v 2>&1)
line=$(grep -F 'firewall[public]' <<<"$out" || true)
[[ "$line" == *"lab4 = firewall[public] ok: zone public open: "*"9999/tcp"*"(runtime); "*"(permanent)" ]] ||
  fail "the converged zone does not show each layer:"$'\n'"$out"
[[ "${line#*(runtime); }" != *9999* ]] || fail "9999/tcp is shown as permanent:"$'\n'"$line"
[[ "$out" != *"runtime = permanent"* ]] || fail "runtime and permanent differ, the plan says they are equal:"$'\n'"$out"

# A validate failure names the command that ran, with the candidate's real path.
cat >"$work/project/sudo.yml" <<'YAML'
plays:
  - hosts: lab4
    states:
      - file: /etc/sudoers.d/forja-bad
        content: "alice ALL=(ALL NOPASSWD: ALL\n"
        mode: "0440"
        validate: visudo -cf %s
YAML
cd "$work/project"
rc=0
out=$(forja apply -i "$LAB_INVENTORY" sudo.yml 2>&1) || rc=$?
[[ $rc == 1 ]] || fail "a rejected sudoers file exited $rc, not 1:"$'\n'"$out"
assert_contains "$out" "validation failed: visudo -cf /etc/sudoers.d/.forja-bad.forja-"
[[ "$out" != *"%s"* ]] || fail "the message shows %s, not the command that ran:"$'\n'"$out"
on 'test ! -e /etc/sudoers.d/forja-bad' || fail "the rejected file was installed"

echo "test_first_hour: bare and symlinked playbooks, -e, loops, the plan's summary, the firewall's default and layers, validate messages, --tags typos"
