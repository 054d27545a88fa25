#!/usr/bin/env bash
# The lab runs your own playbooks: packages beyond the built-in list, named with --packages and
# in a lab file beside the playbook (lighttpd from bookworm, socket from bullseye, a local .deb
# of our own), go into the lab's repository; forja apply installs them on lab hosts and they
# work there. A name Debian does not have exits 2 naming it, with nothing built or stopped;
# a repository lacking a package is never rebuilt under running hosts. The machine's apt
# sources are never touched. Ends with the lab in its default shape (4 hosts, built-in
# packages) whatever happens: it rebuilds the repository twice (downloads are pooled).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

cache="${FORJA_LAB_CACHE:-/var/cache/forja-lab}"
work=$(mktemp -d)
export FORJA_STATE_DIR="$work/state"
restored=0

default_lab() { forja lab down && forja lab up --hosts 4; }
on_exit() {
  local rc=$?
  if [[ $restored == 0 ]] && ! default_lab >"$work/restore.log" 2>&1; then
    echo "FAIL: could not bring the lab back to its default shape:" >&2
    cat "$work/restore.log" >&2
    rc=1
  fi
  rm -rf "$work"
  exit "$rc"
}
trap on_exit EXIT
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND" >&2' ERR

apt_sources() { { cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null || true; } | sha256sum; }
sources_before=$(apt_sources)
forja lab up --hosts 4 >/dev/null
running_hosts() { forja lab status | grep -cE '^lab[0-9]+ .* yes$' || true; }
[[ $(running_hosts) -ge 4 ]] || fail "the lab should be up with 4 hosts to start with"
index_before=$(sha256sum "$cache/repo/Packages")

# A local package of our own: it depends on cowsay, which the built-in list does not hold.
mkdir -p "$work/pkg/DEBIAN" "$work/pkg/usr/bin" "$work/playbook"
cat >"$work/pkg/DEBIAN/control" <<'EOF'
Package: forja-hello
Version: 1.0
Architecture: all
Maintainer: forja tests <forja-tests@example.invalid>
Depends: cowsay
Description: forja lab test package
EOF
cat >"$work/pkg/usr/bin/forja-hello" <<'EOF'
#!/bin/sh
echo "hello from forja-hello"
exec /usr/games/cowsay "moo from $(hostname)"
EOF
chmod 755 "$work/pkg/usr/bin/forja-hello"
dpkg-deb --build --root-owner-group "$work/pkg" "$work/playbook/forja-hello_1.0_all.deb" >/dev/null

# The lab file, beside the playbook: a package from another suite and the local file; consul
# (from bullseye) is in the built-in list: naming it again changes nothing.
cat >"$work/playbook/lab.yml" <<'EOF'
# What the lab must offer to run site.yml (forja lab up --packages-from lab.yml).
packages:
  - socket/bullseye
  - consul/bullseye
  - ./forja-hello_1.0_all.deb
EOF
cat >"$work/playbook/site.yml" <<'EOF'
plays:
  - hosts: lab1
    states:
      - package: [lighttpd, forja-hello]
      - service: lighttpd
        state: running
        enabled: true
  - hosts: lab2
    states:
      - package: [consul, socket]
EOF

# Names Debian does not have: exit 2, each named, before anything is built or stopped.
rc=0
out=$(forja lab up --packages lighttpd,forja-no-such-package --packages-from "$work/playbook/lab.yml" 2>&1) || rc=$?
[[ $rc == 2 ]] || fail "an unknown package should exit 2 (got $rc):"$'\n'"$out"
assert_contains "$out" "'forja-no-such-package' (--packages): Debian bookworm has no package 'forja-no-such-package'"
assert_contains "$out" "nothing was built or changed"
[[ "$out" != *"'lighttpd'"* ]] || fail "only the unknown name should be blamed:"$'\n'"$out"
printf 'packages:\n  - cowsay\n  - lighttpf\n' >"$work/typo.yml"
rc=0
out=$(forja lab up --packages-from "$work/typo.yml" 2>&1) || rc=$?
[[ $rc == 2 ]] || fail "a misspelt package in a lab file should exit 2 (got $rc):"$'\n'"$out"
assert_contains "$out" "'lighttpf' ($work/typo.yml:3:5): Debian bookworm has no package 'lighttpf' (did you mean 'lighttpd'?)"
rc=0
out=$(forja lab up --packages socket/bullsey 2>&1) || rc=$?
[[ $rc == 2 ]] || fail "an unknown suite should exit 2 (got $rc):"$'\n'"$out"
assert_contains "$out" "'socket/bullsey' (--packages): no suite 'bullsey' (did you mean 'bullseye'?)"
# The built-in list's consul comes from bullseye: bookworm's (which does not exist) cannot replace it.
rc=0
out=$(forja lab up --packages consul 2>&1) || rc=$?
[[ $rc == 2 ]] || fail "consul from another suite than the built-in list's should exit 2 (got $rc):"$'\n'"$out"
assert_contains "$out" "'consul' (--packages): consul is in the lab's built-in list, from bullseye"
rc=0
out=$(forja lab up --packages "$work/nothing_1.0_all.deb" 2>&1) || rc=$?
[[ $rc == 2 ]] || fail "a missing .deb should exit 2 (got $rc):"$'\n'"$out"
assert_contains "$out" "no such file: $work/nothing_1.0_all.deb"
# A local package depending on what Debian lacks: exit 2, naming the file and the dependency.
sed -e 's/^Package: .*/Package: forja-broken/' -e 's/^Depends: .*/Depends: cowsay, forja-no-such-dependency/' \
  "$work/pkg/DEBIAN/control" >"$work/broken.control"
cp -r "$work/pkg" "$work/broken" && mv "$work/broken.control" "$work/broken/DEBIAN/control"
dpkg-deb --build --root-owner-group "$work/broken" "$work/forja-broken_1.0_all.deb" >/dev/null
rc=0
out=$(forja lab up --packages "$work/forja-broken_1.0_all.deb" 2>&1) || rc=$?
[[ $rc == 2 ]] || fail "a .deb depending on what Debian lacks should exit 2 (got $rc):"$'\n'"$out"
assert_contains "$out" "'$work/forja-broken_1.0_all.deb' (--packages): forja-broken depends on 'forja-no-such-dependency'"

# A repository lacking a package is never rebuilt under running hosts: refused, nothing stopped.
rc=0
out=$(forja lab up --packages lighttpd 2>&1) || rc=$?
[[ $rc == 1 ]] || fail "a rebuild under running hosts should be refused (got $rc):"$'\n'"$out"
assert_contains "$out" "lacks lighttpd"
assert_contains "$out" "never rebuilt under running hosts. Run 'forja lab down'"
[[ $(running_hosts) -ge 4 ]] || fail "refusing stopped hosts"
[[ "$(sha256sum "$cache/repo/Packages")" == "$index_before" ]] || fail "the repository changed"

# Down, then up with the extra packages: the repository is rebuilt with their closure.
forja lab down >/dev/null
start=$(date +%s%N)
out=$(forja lab up --hosts 4 --packages lighttpd --packages-from "$work/playbook/lab.yml" 2>&1) ||
  fail "lab up with extra packages failed:"$'\n'"$out"
rebuild_ms=$((($(date +%s%N) - start) / 1000000))
assert_contains "$out" "lab: repository ready"
status=$(forja lab status)
assert_contains "$status" "extra lighttpd 1.4."
assert_contains "$status" "(bookworm)"
assert_contains "$status" "extra socket 1.1-10"
assert_contains "$status" "(bullseye)"
[[ "$status" != *"extra consul"* ]] || fail "consul is built in, not an extra:"$'\n'"$status"
assert_contains "$status" "extra forja-hello 1.0 (local: $work/playbook/forja-hello_1.0_all.deb)"
grep -qE '^repository: .*: [0-9]+ packages, built [0-9T:-]+Z in [0-9]+ s$' <<<"$status" ||
  fail "status should show the package count and build time:"$'\n'"$status"

echo "test_lab_packages: $(grep '^repository:' <<<"$status")"

# The same list again: nothing is rebuilt.
out=$(forja lab up --hosts 4 --packages lighttpd --packages-from "$work/playbook/lab.yml" 2>&1) ||
  fail "lab up again failed:"$'\n'"$out"
[[ "$out" != *"repository"* ]] || fail "the same package list should not rebuild:"$'\n'"$out"
assert_contains "$out" "all 4 hosts already running"

# forja apply installs them from the lab's repository, and they work.
out=$(forja apply -i "$LAB_INVENTORY" "$work/playbook/site.yml") || fail "apply failed:"$'\n'"$out"
assert_contains "$out" "lab1 ~ package[lighttpd,forja-hello] changed"
assert_contains "$out" "lab2 ~ package[consul,socket] changed"
page=$(curl -s -m 5 -D - "http://$(lab_address lab1)/") || fail "lighttpd on lab1 does not answer"
assert_contains "$page" "HTTP/1.1 200 OK"
assert_contains "$page" "Server: lighttpd"
assert_contains "$(lab_root_ssh lab1 forja-hello)" "moo from lab1"
assert_contains "$(lab_root_ssh lab2 consul version)" "Consul v1.8.7"
assert_contains "$(lab_root_ssh lab2 socket -version 2>&1)" "Socket-1.1"
again=$(forja apply -i "$LAB_INVENTORY" "$work/playbook/site.yml" --json)
assert_unchanged "$again" lab1 lab2

# Back to the default shape: the built-in list, from the pool (nothing to download).
out=$(default_lab 2>&1) || fail "could not go back to the default lab:"$'\n'"$out"
restored=1
assert_contains "$out" ", 0 to download"
status=$(forja lab status)
assert_contains "$status" "(built-in packages only)"
[[ $(running_hosts) -ge 4 ]] || fail "the default lab should run 4 hosts"
[[ "$(apt_sources)" == "$sources_before" ]] || fail "the machine's apt sources changed"

echo "test_lab_packages: passed (repository rebuilt with 3 extra packages and lab up in $((rebuild_ms / 1000)).$((rebuild_ms % 1000 / 100)) s)"
