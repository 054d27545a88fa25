# bash completion for forja: subcommands, options, files, and the group and host names of the
# inventory given with -i/--inventory (or $FORJA_INVENTORY). Every answer comes from forja
# itself (`forja __complete`), so completion follows the command line and the inventory.
# Installed as /usr/share/bash-completion/completions/forja.

# _forja_words LEVEL...: "KIND WORD" lines of that level of the command line.
_forja_words() { "$_forja_bin" __complete words "$@" 2>/dev/null; }

_forja() {
  local line=${COMP_LINE:0:COMP_POINT}
  local -a words
  # Words as typed (COMP_WORDS splits at ':' and '=', which patterns and --opt=value hold).
  read -ra words <<<"$line"
  [[ -z $line || $line == *[[:space:]] ]] && words+=("")
  local cur=${words[${#words[@]} - 1]} _forja_bin=${words[0]}
  local inventory=${FORJA_INVENTORY:-} level
  local -a path=()
  local i w nargs=0
  level=$(_forja_words) || return 0
  for ((i = 1; i < ${#words[@]} - 1; i++)); do
    w=${words[i]}
    [[ $w == -- ]] && return 0  # the remote command of `forja run`: nothing forja knows
    case $w in
      -i | --inventory) inventory=${words[i + 1]} ;;
      --inventory=*) inventory=${w#--inventory=} ;;
    esac
    if [[ $w == -* ]]; then
      # An option that takes a value (not written as --opt=value) skips the next word.
      [[ $w != *=* ]] && grep -qxE "(file|name|value) $w" <<<"$level" && ((i++))
      continue
    fi
    if grep -qx "command $w" <<<"$level"; then
      path+=("$w")
      level=$(_forja_words "${path[@]}") || return 0
      nargs=0
    else
      ((nargs++))
    fi
  done
  inventory=${inventory/#\~/$HOME}

  local prev="" kind=""
  ((${#words[@]} >= 2)) && prev=${words[${#words[@]} - 2]}
  if [[ $prev == -* && $cur != -* ]]; then
    kind=$(awk -v w="$prev" '$2 == w && $1 != "flag" && $1 != "command" {print $1; exit}' <<<"$level")
  fi
  # Candidates are whole words; what bash has already split off the word (at the characters of
  # COMP_WORDBREAKS, ':' and '=' among them) is cut from each at the end.
  local value=$cur head=""
  if [[ -z $kind && $cur == --*=* ]]; then
    kind=$(awk -v w="${cur%%=*}" '$2 == w {print $1; exit}' <<<"$level")
    value=${cur#*=}
    head=${cur%%=*}=
  fi
  if [[ -z $kind ]]; then
    if [[ $cur == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "$(awk '$1 != "command" && $1 !~ /^arg-/ {print $2}' <<<"$level")" -- "$cur")
      return 0
    fi
    local commands
    commands=$(awk '$1 == "command" {print $2}' <<<"$level")
    if [[ -n $commands ]]; then
      mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
      return 0
    fi
    kind=$(awk -v n=$((nargs + 1)) '$1 ~ /^arg-/ && ++seen == n {sub("arg-", "", $1); print $1; exit}' <<<"$level")
  fi
  case $kind in
    file)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -P "$head" -- "$value")
      ;;
    name)
      [[ -n $inventory ]] || return 0
      # A pattern (web:&prod, all:!lb): complete the name after the last ':', '&' or '!'.
      local last=${value##*[:\&!]}
      head+=${value%"$last"}
      local names
      names=$("$_forja_bin" __complete names "$inventory" 2>/dev/null) || return 0
      mapfile -t COMPREPLY < <(compgen -W "$names" -P "$head" -- "$last")
      ;;
    *) return 0 ;;
  esac
  local cut=0 j
  for ((j = 0; j < ${#cur}; j++)); do
    [[ $COMP_WORDBREAKS == *"${cur:j:1}"* ]] && cut=$((j + 1))
  done
  for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]:cut}; done
}
complete -F _forja forja
