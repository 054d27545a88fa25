#!/usr/bin/env bash
# The .deb (cpack -G DEB, CPack settings in CMakeLists.txt) on a clean lab host: it depends on
# Debian runtime packages only, which the lab's offline repository provides; dpkg installs it;
# forja runs there (--version, and an Ansible inventory read as ansible-inventory reads it);
# the man page, both completions and the examples are where Debian keeps them.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

host=lab3
build=$(dirname "$FORJA")
work=$(mktemp -d)
touched=""
cleanup() {
  rm -rf "$work"
  # Once forja was installed, leave the host clean for the tests after this one (its overlay
  # is volatile: a restart undoes the install).
  if [[ -n $touched ]]; then
    forja lab stop "$host" >/dev/null && forja lab start "$host" >/dev/null ||
      echo "test_deb: could not restart $host: run 'forja lab start $host'" >&2
  fi
}
trap cleanup EXIT

# Build the package from this build tree.
[[ -f "$build/CPackConfig.cmake" ]] || fail "no CPackConfig.cmake in $build (configure with cmake first)"
[[ -f "$build/forja.1.gz" ]] || fail "no $build/forja.1.gz: build the 'man' target first"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work" >cpack.log 2>&1) ||
  fail "cpack -G DEB failed: $(tail -5 "$work/cpack.log")"
deb=$(ls "$work"/forja_*.deb)
[[ -f "$deb" ]] || fail "cpack made no forja_*.deb"
version=$("$FORJA" --version)

# Depends: Debian runtime libraries only, each one in the lab's offline repository.
depends=$(dpkg-deb -f "$deb" Depends)
[[ -n "$depends" ]] || fail "the .deb declares no Depends"
for lib in libc6 libstdc++6 libssh-4 libyaml-cpp0.7 libfmt9 libssl3; do
  assert_contains "$depends" "$lib"
done
names=$(tr ',' '\n' <<<"$depends" | sed -E 's/^ *([^ (]+).*/\1/')
for name in $names; do
  [[ $name != *-dev ]] || fail "the .deb depends on a development package: $name"
done
repo_index="${FORJA_LAB_CACHE:-/var/cache/forja-lab}/repo/Packages"
[[ -s "$repo_index" ]] || fail "no lab repository index at $repo_index"
# Already on every lab host (its image) or in the offline repository.
on_host=$(lab_root_ssh "$host" "dpkg-query -W -f='\${Package}\n'")
for name in $names; do
  grep -qx "$name" <<<"$on_host" || grep -qx "Package: $name" "$repo_index" ||
    fail "$name (a dependency of the .deb) is neither on a lab host nor in the lab's repository;" \
      "add it to repo_packages() in src/lab/config.cpp"
done
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/forja ./usr/share/man/man1/forja.1.gz \
  ./usr/share/bash-completion/completions/forja ./usr/share/zsh/vendor-completions/_forja \
  ./usr/share/doc/forja/examples/playbooks/site.yml \
  ./usr/share/doc/forja/examples/templates/microservice@.service.mustache; do
  assert_contains "$contents" " $path"
done

# A clean host: booted afresh, no forja on it.
forja lab stop "$host" >/dev/null
forja lab start "$host" >/dev/null
assert_exit 1 lab_root_ssh "$host" "command -v forja >/dev/null"

corpus="$FORJA_SOURCE_DIR/tests/data/ansible-inventories"
touched=1
lab_root_scp "$host" /tmp/ "$deb" "$corpus/ansible-examples-hosts.ini"
remote_deb=/tmp/$(basename "$deb")
# dpkg alone refuses it while the libraries are missing; they come from the offline repository
# (the host's only apt source), then dpkg installs the package.
lab_root_ssh "$host" "cat /etc/apt/sources.list" | grep -q "file:/srv/forja-repo" ||
  fail "$host: apt's source is not the lab's offline repository"
lab_root_ssh "$host" "DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null" ||
  fail "$host: apt-get update against the offline repository failed"
missing=$(lab_root_ssh "$host" "for p in $(echo $names); do dpkg-query -W -f='\${db:Status-Abbrev}' \$p 2>/dev/null | grep -q '^ii' || echo \$p; done")
if [[ -n "$missing" ]]; then
  assert_exit 1 lab_root_ssh "$host" "dpkg -i $remote_deb >/dev/null 2>&1"
  lab_root_ssh "$host" "dpkg -r forja >/dev/null 2>&1 || true"
  out=$(lab_root_ssh "$host" "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(echo $missing) 2>&1") ||
    fail "$host: could not install $(echo $missing) from the offline repository:"$'\n'"$out"
fi
lab_root_ssh "$host" "dpkg -i $remote_deb >/dev/null" || fail "$host: dpkg -i $(basename "$deb") failed"
lab_root_ssh "$host" "dpkg-query -W -f='\${db:Status-Abbrev}' forja" | grep -q '^ii' ||
  fail "$host: forja is not installed after dpkg -i"

# forja runs there: its version, and an Ansible inventory printed as ansible-inventory does.
[[ "$(lab_root_ssh "$host" forja --version)" == "$version" ]] ||
  fail "$host: forja --version is not '$version'"
lab_ssh vagrant "$host" "forja inventory -i /tmp/ansible-examples-hosts.ini --list" >"$work/list.json" ||
  fail "$host: forja inventory --list failed"
cmp -s "$work/list.json" "$corpus/expected/ansible-examples-hosts.ini.json" ||
  fail "$host: forja inventory --list differs from ansible-inventory's:"$'\n'"$(diff "$work/list.json" "$corpus/expected/ansible-examples-hosts.ini.json" | head -20)"
graph=$(lab_root_ssh "$host" "forja inventory -i /tmp/ansible-examples-hosts.ini --graph")
assert_contains "$graph" "@webservers:"
# Installed where Debian keeps them: the man page and completions are found by their tools.
lab_root_ssh "$host" "test -s /usr/share/man/man1/forja.1.gz && zcat /usr/share/man/man1/forja.1.gz | grep -q '^.SS \"forja inventory\"'" ||
  fail "$host: no man page with the inventory command"
completion=$(lab_root_ssh "$host" "bash -c 'source /usr/share/bash-completion/completions/forja; COMP_LINE=\"forja inventory -i /tmp/ansible-examples-hosts.ini --host mail\"; COMP_POINT=\${#COMP_LINE}; _forja; printf \"%s\n\" \"\${COMPREPLY[@]}\"'")
assert_contains "$completion" "mail0.example.com"
lab_root_ssh "$host" "test -s /usr/share/zsh/vendor-completions/_forja && test -s /usr/share/doc/forja/examples/playbooks/site.yml" ||
  fail "$host: the zsh completion or the examples are missing"
# And it goes away cleanly.
lab_root_ssh "$host" "dpkg -r forja >/dev/null && ! command -v forja >/dev/null" || fail "$host: dpkg -r forja failed"
echo "test_deb: passed ($(basename "$deb"): $depends)"
