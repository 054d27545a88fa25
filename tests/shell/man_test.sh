#!/usr/bin/env bash
# The man page the build generates (build/forja.1, from --help by scripts/man-page): it exists,
# renders without warnings, has a section for every subcommand (and every `lab` subcommand)
# with that command's current --help, and is what the binary's --help gives today.
#   FORJA=build/forja FORJA_MAN=build/forja.1 bash tests/shell/man_test.sh
set -euo pipefail
: "${FORJA:?set FORJA to the forja binary (ctest does)}"
: "${FORJA_MAN:?set FORJA_MAN to the generated man page (ctest does)}"
cd "${FORJA_SOURCE_DIR:-$(dirname "$0")/../..}"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[[ -s $FORJA_MAN ]] || fail "no man page at $FORJA_MAN (the build makes it)"
warnings=$(MANWIDTH=80 man --warnings -l -Tutf8 "$FORJA_MAN" 2>&1 >/dev/null)
[[ -z $warnings ]] || fail "the man page renders with warnings:"$'\n'"$warnings"
text=$(MANWIDTH=200 man -l "$FORJA_MAN" 2>/dev/null)
[[ $text == *"forja - agentless provisioning over SSH"* ]] || fail "no NAME line"

commands() { "$FORJA" __complete words "$@" | awk '$1 == "command" {print $2}'; }
count=0
for cmd in $(commands); do
  grep -qx ".SS \"forja $cmd\"" "$FORJA_MAN" || fail "no section for 'forja $cmd'"
  summary=$("$FORJA" "$cmd" --help | head -1)
  [[ $text == *"$summary"* ]] || fail "'forja $cmd': its help ('$summary') is not in the man page"
  count=$((count + 1))
  for sub in $(commands "$cmd"); do
    grep -qx ".SS \"forja $cmd $sub\"" "$FORJA_MAN" || fail "no section for 'forja $cmd $sub'"
  done
done
((count >= 8)) || fail "only $count subcommands found"
for word in "--no-become" "NO_COLOR" "FORJA_INVENTORY" "EXIT STATUS"; do
  [[ $text == *"$word"* ]] || fail "'$word' is not in the man page"
done

# In sync: generated again from this binary, it is the same page (but for the date).
fresh=$(mktemp)
trap 'rm -f "$fresh"' EXIT
bash scripts/man-page "$FORJA" "$fresh"
diff <(grep -v '^\.TH' "$FORJA_MAN") <(grep -v '^\.TH' "$fresh") >/dev/null ||
  fail "$FORJA_MAN is not what $FORJA --help gives now (rebuild)"
echo "man_test: passed ($count subcommands)"
