#!/usr/bin/env bash
# Consul installed the seeds' way, for real: a release zip made from the lab's packaged binary
# (/usr/bin/consul from the .deb in the lab's repository), served with its sha256 by an HTTP
# server on the lab's bridge (10.77.0.1), as HashiCorp serves consul_VERSION_linux_amd64.zip.
# On a clean host, playbooks/states/consul-binary.yml (download, sha256, unzip, install, a
# consul system user, config and data directories, a systemd unit) and consul-client.yml run:
# `consul version` answers there and the agent runs under the unit. A second apply changes
# nothing. A zip whose sha256 is not the one asked for replaces nothing and restarts nothing.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

cache="${FORJA_LAB_CACHE:-/var/cache/forja-lab}"
bridge=10.77.0.1
host=lab2
work=$(mktemp -d)
export FORJA_STATE_DIR="$work/state"
server=""
on_exit() {
  local rc=$?
  [[ -z "$server" ]] || kill "$server" 2>/dev/null || true
  # Leave the host clean for the tests after this one.
  forja lab stop "$host" >/dev/null 2>&1 || true
  forja lab start "$host" >/dev/null 2>&1 || rc=1
  rm -rf "$work"
  exit "$rc"
}
trap on_exit EXIT

# The release zip, from the binary Debian packages (the same Consul 1.8.7 HashiCorp released).
debs=("$cache"/repo/consul_*.deb)
deb=${debs[0]}
[[ -f "$deb" ]] || fail "the lab's repository has no consul package: run 'forja lab down' then 'forja lab up'"
mkdir -p "$work/deb" "$work/www"
dpkg-deb -x "$deb" "$work/deb"
zip="$work/www/consul_1.8.7_linux_amd64.zip"
(cd "$work/deb/usr/bin" && python3 -m zipfile -c "$zip" consul)
sha=$(sha256sum <"$zip" | cut -d' ' -f1)
binary_sha=$(sha256sum <"$work/deb/usr/bin/consul" | cut -d' ' -f1)

# The HTTP server on the bridge, on a port nothing else uses.
port=$(python3 -c "import socket; s = socket.socket(); s.bind(('$bridge', 0)); print(s.getsockname()[1])")
python3 -m http.server --bind "$bridge" --directory "$work/www" "$port" >"$work/http.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://$bridge:$port/" && break; sleep 0.1; done
url="http://$bridge:$port/consul_1.8.7_linux_amd64.zip"

# inventory SHA256: the host in groups consul and consul_release, the zip's URL and checksum.
inventory() {
  cat <<YAML
defaults:
  user: vagrant
  key: $LAB_KEY
  known_hosts: $LAB_KNOWN_HOSTS
  become: true
  vars:
    consul_version: "1.8.7"
    consul_zip_url: "$url"
    consul_sha256: "$1"
hosts:
  lab1: {address: $(lab_address lab1)}
  $host: {address: $(lab_address "$host")}
groups:
  discovery:
    hosts: [lab1]
  consul:
    hosts: [$host]
  consul_release:
    hosts: [$host]
YAML
}
inventory "$sha" >"$work/inventory.yml"
cat >"$work/site.yml" <<YAML
plays:
  - hosts: "consul:&consul_release"
    states:
      - $FORJA_SOURCE_DIR/playbooks/states/consul-binary.yml
      - $FORJA_SOURCE_DIR/playbooks/states/consul-client.yml
YAML

forja lab stop "$host" >/dev/null
forja lab start "$host" >/dev/null
out=$(forja apply -i "$work/inventory.yml" "$work/site.yml") || fail "apply failed:"$'\n'"$out"
assert_contains "$out" "$host ~ download[/opt/consul/consul_1.8.7_linux_amd64.zip] changed"
assert_contains "$out" "install consul as /usr/local/bin/consul"
assert_contains "$out" "$host ~ user[consul] changed"
assert_contains "$out" "$host ~ template[/etc/systemd/system/consul.service] changed"
grep -q "\"GET /consul_1.8.7_linux_amd64.zip HTTP/1.1\" 200" "$work/http.log" ||
  fail "the zip was not fetched from $bridge:$port:"$'\n'"$(cat "$work/http.log")"
grep -q "^$(lab_address "$host") " "$work/http.log" || fail "the zip was not fetched by $host"

# What the seeds' commands leave behind, on the host.
assert_contains "$(lab_root_ssh "$host" consul version)" "Consul v1.8.7"
[[ "$(lab_root_ssh "$host" command -v consul)" == /usr/local/bin/consul ]] || fail "consul should be /usr/local/bin/consul"
[[ "$(lab_root_ssh "$host" sha256sum /usr/local/bin/consul | cut -d' ' -f1)" == "$binary_sha" ]] ||
  fail "/usr/local/bin/consul is not the binary from the zip"
[[ "$(lab_root_ssh "$host" "stat -c '%a %U' /usr/local/bin/consul")" == "755 root" ]] || fail "binary mode/owner"
[[ "$(lab_root_ssh "$host" "stat -c '%a %U %G' /etc/consul.d /var/lib/consul")" == $'750 consul consul\n750 consul consul' ]] ||
  fail "config and data directories: $(lab_root_ssh "$host" "stat -c '%n %a %U %G' /etc/consul.d /var/lib/consul")"
uid=$(lab_root_ssh "$host" id -u consul)
((uid < 1000)) || fail "consul should be a system user (uid $uid)"
[[ "$(lab_root_ssh "$host" "dpkg-query -W -f '\${Status}' consul 2>/dev/null" || true)" != "install ok installed" ]] ||
  fail "the Debian package should not be installed on $host"
[[ "$(lab_root_ssh "$host" systemctl is-active consul)" == active ]] || fail "the consul unit is not active"
assert_contains "$(lab_root_ssh "$host" systemctl show -p ExecStart --value consul)" "/usr/local/bin/consul agent -config-dir=/etc/consul.d"
[[ "$(lab_root_ssh "$host" systemctl show -p User --value consul)" == consul ]] || fail "the agent should run as consul"
for _ in $(seq 50); do
  members=$(lab_root_ssh "$host" consul members 2>&1 || true)
  [[ "$members" == *"$host "*alive* ]] && break
  sleep 0.2
done
assert_contains "$members" "alive"

# Again: nothing to do.
again=$(forja apply -i "$work/inventory.yml" "$work/site.yml" --json)
assert_unchanged "$again" "$host"

# A zip that is not the one asked for: the download fails naming both checksums, and nothing
# on the host changes (archive, tree, binary, running agent), nothing is left half-written.
before=$(lab_root_ssh "$host" "sha256sum /opt/consul/consul_1.8.7_linux_amd64.zip /usr/local/bin/consul; systemctl show -p InvocationID --value consul; ls -A /opt/consul /usr/local/bin")
wrong=$(printf 'not the release' | sha256sum | cut -d' ' -f1)
inventory "$wrong" >"$work/inventory-wrong.yml"
rc=0
out=$(forja apply -i "$work/inventory-wrong.yml" "$work/site.yml" 2>&1) || rc=$?
[[ $rc == 1 ]] || fail "a checksum mismatch should fail the apply (exit $rc):"$'\n'"$out"
assert_contains "$out" "sha256 mismatch for $url: got $sha, expected $wrong; nothing replaced"
after=$(lab_root_ssh "$host" "sha256sum /opt/consul/consul_1.8.7_linux_amd64.zip /usr/local/bin/consul; systemctl show -p InvocationID --value consul; ls -A /opt/consul /usr/local/bin")
[[ "$after" == "$before" ]] || fail "a wrong checksum changed the host:"$'\n'"before:"$'\n'"$before"$'\n'"after:"$'\n'"$after"
assert_contains "$(lab_root_ssh "$host" consul version)" "Consul v1.8.7"

echo "test_consul_binary: passed (zip $sha served on $bridge:$port, installed on $host)"
