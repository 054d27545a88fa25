#include "transport/command.hpp"

#include "util/hash.hpp"

namespace forja {

namespace {

// $1 = destination, $2 = mode, $3 = owner, $4 = group, $5 = backup (1/0), $6 = length,
// $7 = sha256; then the validate argv, in which every "%s" becomes the candidate's path. A
// rejection prints the validator's last lines, then that argv quoted as shell_join quotes it.
// The content follows the script on stdin. The temp file is made by mktemp in the same
// directory (so the rename is atomic) and removed on every way out but the rename; the live
// file is replaced only when exactly $6 bytes with the sha256 $7 arrived and validation passed.
// A backup goes through its own temp file and a rename, so a planted PATH.forja-backup
// symlink is replaced, never followed.
constexpr const char* k_write = R"SH(set -e
dest=$1 mode=$2 owner=$3 group=$4 backup=$5 len=$6 sum=$7
shift 7
dir=$(dirname -- "$dest") base=$(basename -- "$dest")
tmp= btmp=
trap 'rm -f -- "$tmp" "$btmp"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM
tmp=$(mktemp "$dir/.$base.forja-XXXXXX")
head -c "$len" > "$tmp"
got=$(wc -c < "$tmp" | tr -d ' ')
if [ "$got" != "$len" ]; then
  echo "the upload was cut short ($got of $len bytes arrived); $dest was not replaced" >&2; exit 66
fi
if [ "$(sha256sum < "$tmp" | cut -d' ' -f1)" != "$sum" ]; then
  echo "the upload arrived corrupted (sha256 mismatch); $dest was not replaced" >&2; exit 66
fi
chmod "$mode" "$tmp"
if [ -n "$owner" ]; then chown -- "$owner" "$tmp"; fi
if [ -n "$group" ]; then chgrp -- "$group" "$tmp"; fi
if [ $# -gt 0 ]; then
  for w do
    shift; r=; rest=$w
    while :; do case $rest in *%s*) r=$r${rest%%"%s"*}$tmp; rest=${rest#*"%s"};; *) r=$r$rest; break;; esac; done
    set -- "$@" "$r"
  done
  if ! out=$("$@" </dev/null 2>&1); then
    printf '%s\n' "$out" | tail -n 20 >&2
    shown=
    for w do
      case $w in
        ''|=*|*[!A-Za-z0-9_./:=@,+%-]*)
          q= rest=$w
          while :; do case $rest in *\'*) q=$q${rest%%\'*}"'\\''"; rest=${rest#*\'};; *) q=$q$rest; break;; esac; done
          w="'$q'";;
      esac
      shown="$shown${shown:+ }$w"
    done
    echo "validation failed: $shown rejected the new content; $dest was not replaced" >&2; exit 65
  fi
fi
if [ "$backup" = 1 ] && [ -f "$dest" ] && [ ! -L "$dest" ]; then
  btmp=$(mktemp "$dir/.$base.forja-backup-XXXXXX")
  cp -p -- "$dest" "$btmp"
  mv -f -T -- "$btmp" "$dest.forja-backup"
fi
mv -f -T -- "$tmp" "$dest"
tmp=
exit 0)SH";

}  // namespace

Command write_file_command(const UploadSpec& spec, std::string content) {
  std::vector<std::string> argv = {"sh",       "-c",       k_write,    "forja-write",
                                   spec.path,  spec.mode,  spec.owner, spec.group,
                                   spec.backup ? "1" : "0", std::to_string(content.size()),
                                   sha256_hex(content)};
  argv.insert(argv.end(), spec.validate.begin(), spec.validate.end());
  return Command{std::move(argv), std::move(content), spec.privilege};
}

}  // namespace forja
