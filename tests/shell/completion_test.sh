#!/usr/bin/env bash
# The shell completions against the real forja binary: bash's completion is sourced and driven
# as bash drives it (COMP_LINE, COMP_POINT, COMP_WORDS, COMP_CWORD, then COMPREPLY is read);
# zsh's runs in zsh with compadd, compset and _files standing in for the completion system.
#   FORJA=build/forja bash tests/shell/completion_test.sh
set -euo pipefail
: "${FORJA:?set FORJA to the forja binary (ctest does), e.g. FORJA=build/forja}"
FORJA=$(realpath "$FORJA")
cd "${FORJA_SOURCE_DIR:-$(dirname "$0")/../..}"
inv=tests/data/inventory/example.ini  # groups web, db, prod; hosts bastion, web1..3, web9, db1

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# shellcheck source=../../completion/forja.bash
source completion/forja.bash
complete -p forja | grep -q -- '-F _forja' || fail "bash: no completion registered for forja"

# bash_complete LINE: what bash would offer with the cursor at the end of "forja LINE", one a
# line, sorted.
bash_complete() {
  COMP_LINE="$FORJA $1"
  COMP_POINT=${#COMP_LINE}
  read -ra COMP_WORDS <<<"$COMP_LINE"
  [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _forja
  ((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}" | sort
}

# zsh_complete LINE: the same in zsh. The stand-ins: compadd offers the words that start like
# the current word (PREFIX), compset -P moves the longest matching start of PREFIX to IPREFIX,
# _files offers "<files>".
zsh_complete() {
  LINE=$1 zsh -f -c '
    reply=()
    compadd() {
      while [[ $1 != -- ]]; do shift; done
      shift
      local w
      for w in "$@"; do [[ $w == "$PREFIX"* ]] && reply+=("$w"); done
    }
    _files() { reply+=("<files>"); }
    compset() {
      [[ $1 == -P ]] || return 1
      local m=${(M)PREFIX##${~2}}
      [[ -n $m ]] || return 1
      IPREFIX+=$m
      PREFIX=${PREFIX#"$m"}
    }
    source completion/_forja
    words=("$FORJA" ${=LINE})
    [[ -z $LINE || $LINE == *" " ]] && words+=("")
    CURRENT=${#words}
    PREFIX=${words[CURRENT]}
    IPREFIX=
    _forja
    print -rl -- $reply
  ' | sort
}

# expect SHELL LINE EXPECTED...: the completions of LINE are exactly EXPECTED.
expect() {
  local shell=$1 line=$2 got want
  shift 2
  got=$("${shell}_complete" "$line")
  want=$( (($# == 0)) || printf '%s\n' "$@" | sort)
  [[ "$got" == "$want" ]] || fail "$shell: 'forja $line': expected [$(echo $want)], got [$(echo $got)]"
}

for shell in bash zsh; do
  if [[ $shell == zsh ]] && ! command -v zsh >/dev/null; then
    echo "completion_test: zsh is not installed (scripts/install-deps installs it): zsh skipped" >&2
    continue
  fi
  # Subcommands (the hidden __complete is not one), and a subcommand's own subcommands.
  expect $shell "" version inventory run facts plan apply verify scale status lab
  expect $shell "s" scale status
  expect $shell "ve" verify version
  expect $shell "lab " up down status prepare ssh stop start add remove
  # Options of the command being typed.
  expect $shell "run --n" --no-become
  expect $shell "inventory --l" --limit --list
  expect $shell "inventory --from" --from-vagrant
  expect $shell "lab up --h" --help --hosts
  # Host and group names from -i, for a pattern, --limit and --host; parts of a pattern.
  expect $shell "run -i $inv " all ungrouped web db prod bastion web1 web2 web3 web9 db1
  expect $shell "run -i $inv we" web web1 web2 web3 web9
  expect $shell "facts --inventory $inv d" db db1
  expect $shell "inventory -i $inv --host b" bastion
  expect $shell "apply -i $inv -l db" db db1
  # From $FORJA_INVENTORY when there is no -i.
  FORJA_INVENTORY=$inv expect $shell "run pro" prod
  # Nothing after `--` (the remote command), nor without an inventory, nor for --forks.
  expect $shell "run -i $inv all -- ho"
  FORJA_INVENTORY= expect $shell "run we"
  expect $shell "run -f "
done

# bash: files for -i and the playbook, the --opt=value form, and the parts of a pattern bash
# has split off at ':' and '&' (COMP_WORDBREAKS).
expect bash "inventory -i tests/data/inventory/ex" tests/data/inventory/example.ini tests/data/inventory/example.yml
expect bash "plan -i $inv playbooks/sit" playbooks/site.yml
expect bash "inventory --inventory=tests/data/inventory/example.y" tests/data/inventory/example.yml
expect bash "run -i $inv web:&pr" prod
expect bash "run -i $inv all:!ba" '!bastion'
if command -v zsh >/dev/null; then
  expect zsh "inventory -i tests/data/inventory/ex" "<files>"
  expect zsh "plan -i $inv playbooks/sit" "<files>"
  expect zsh "inventory --inventory=tests/data/inventory/example.y" "<files>"
  expect zsh "run -i $inv web:&pr" prod
  expect zsh "run -i $inv all:!ba" bastion
fi
echo "completion_test: passed"
