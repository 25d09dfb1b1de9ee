#!/usr/bin/env bash
# emergency-recovery.sh: re-creates what is missing or broken in this deploy root, the same
# repairs as `persist-deploy recover`. Written by persist-deploy (version in TOOL_VERSION
# below); run `persist-deploy generate` to write it again.
#
# Usage: emergency-recovery.sh [--dry-run]
# - a missing, dangling, misdirected or absolute link of a persistent path is made again
#   (relative);
# - a real directory where a link belongs (someone unzipped over it) has its files moved into
#   shared/ first; nothing there is overwritten: on a clash the newcomer is kept beside it as
#   NAME.recovered-<time>;
# - a missing or broken `current` is pointed at the newest release (temp link + mv -T);
# - a secret file readable by every user loses those bits;
# - data missing from shared/ is not replaced by an empty folder: it is reported, with the
#   backup command that puts it back.
# It never deletes data, can be run again safely, and prints what it did.
# Exit codes: 0 healthy afterwards (warnings allowed), 1 something is still broken, 64 bad usage.
# shellcheck disable=SC1003,SC2016  # The expectations below are data: single quotes keep any
# $( ), backtick or trailing backslash in a path literal, which is the point (data rule 8).
# `sh emergency-recovery.sh` would run it with another shell: start again under bash.
if [ -z "${BASH_VERSION:-}" ]; then
  command -v bash >/dev/null 2>&1 && exec bash "$0" "$@"
  printf '%s needs bash, which is not on PATH: run it as  /path/to/bash %s\n' "$0" "$0" >&2
  exit 64
fi
# bash started as sh runs in POSIX mode, where process substitution may be off.
set +o posix
set -u
export LC_ALL=C
shopt -s nullglob dotglob

# What the deploy decided, written in at generation time as quoted literals (never eval'd).
TOOL_VERSION='<version>'
ROOT_FALLBACK=''
# Persistent paths: path, kind (dir|file), link text from the release.
PERSISTENT=(
  '.env' 'file' '../../shared/.env'
  'public/uploads' 'dir' '../../../shared/public/uploads'
  'storage' 'dir' '../../shared/storage'
)
# Links to other paths of the app: path, target (relative to the app), link text.
APP_LINKS=(
  'public/storage' 'storage/app/public' '../storage/app/public'
)
# Secret files whose mode must not let every user read them.
SECRETS=(
  '.env'
)

dry_run=0
case "${1:-}" in
  "") ;;
  --dry-run) dry_run=1 ;;
  -h | --help)
    printf 'Usage: %s [--dry-run]\nRe-creates missing or broken links; loses nothing.\nWritten by persist-deploy %s.\n' "${0##*/}" "$TOOL_VERSION"
    exit 0
    ;;
  *)
    printf 'error: unknown option %s\nUsage: %s [--dry-run]\n' "$1" "${0##*/}" >&2
    exit 64
    ;;
esac

SHARED=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P) || exit 1
if [[ -n $ROOT_FALLBACK ]]; then ROOT=$ROOT_FALLBACK; else ROOT=$(dirname -- "$SHARED"); fi
stamp=$(date -u +%Y-%m-%d_%H-%M-%S)
changes=0
problems=0

# act DESCRIPTION COMMAND...: says what is done and does it (only says it under --dry-run).
act() {
  local description=$1
  shift
  changes=$((changes + 1))
  if ((dry_run)); then
    printf 'would %s\n' "$description"
    return 0
  fi
  printf '%s\n' "$description"
  "$@"
}

problem() {
  problems=$((problems + 1))
  printf 'cannot fix: %s\n' "$1" >&2
}

resolved() {
  readlink -e -- "$1" 2>/dev/null
}

# shell_quote TEXT: TEXT single-quoted for pasting, each ' written as '\'' (as the tool
# quotes), in $REPLY.
shell_quote() {
  local squote="'"
  REPLY="'${1//$squote/$squote\\$squote$squote}'"
}

# is_absolute_link PATH: true when PATH is a link whose text is an absolute path.
is_absolute_link() {
  [[ -L $1 && $(readlink -- "$1") == /* ]]
}

# free_name PATH: PATH, or PATH-2, PATH-3... the first that does not exist yet.
free_name() {
  local candidate=$1 n=2
  while [[ -e $candidate || -L $candidate ]]; do
    candidate="$1-$n"
    n=$((n + 1))
  done
  REPLY=$candidate
}

# shellcheck disable=SC2317  # point_link and merge_into are called through act "$@".
# point_link LINK TEXT: makes LINK a symlink with TEXT, replacing a link there in one rename.
point_link() {
  local temporary
  temporary="$(dirname -- "$1")/.persist-deploy-link.$$"
  mkdir -p -- "$(dirname -- "$1")" && ln -sfn -- "$2" "$temporary" && mv -T -- "$temporary" "$1"
}

# shellcheck disable=SC2317  # called through act "$@"
# merge_into SOURCE DESTINATION: moves every entry of the directory SOURCE into DESTINATION
# without overwriting anything, then removes the emptied SOURCE.
merge_into() {
  local source=$1 destination=$2 entry name target
  mkdir -p -- "$destination" || return 1
  for entry in "$source"/*; do
    name=${entry##*/}
    target="$destination/$name"
    if [[ -d $entry && ! -L $entry && -d $target && ! -L $target ]]; then
      merge_into "$entry" "$target" || return 1
    elif [[ -e $target || -L $target ]]; then
      free_name "$target.recovered-$stamp"
      printf '  kept both: %s is saved as %s\n' "$target" "$REPLY"
      mv -T -n -- "$entry" "$REPLY" || return 1
    else
      mv -T -n -- "$entry" "$target" || return 1
    fi
    if [[ -e $entry || -L $entry ]]; then
      printf '  could not move %s\n' "$entry" >&2
      return 1
    fi
  done
  rmdir -- "$source"
}

# --- current -----------------------------------------------------------------------------
live=""
target=$(resolved "$ROOT/current")
releases=$(resolved "$ROOT/releases")
if [[ -L $ROOT/current && -n $target && -d $target && -n $releases && $(dirname -- "$target") == "$releases" ]]; then
  live=$target
elif [[ -e $ROOT/current && ! -L $ROOT/current ]]; then
  problem "$ROOT/current is a real file or directory, not a link; move it aside and run this again"
else
  newest=""
  for candidate in "$ROOT"/releases/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]_[0-9][0-9]-[0-9][0-9]-[0-9][0-9]*; do
    [[ -d $candidate && ! -L $candidate ]] && newest=$candidate
  done
  if [[ -z $newest ]]; then
    problem "no release under $ROOT/releases to point current at"
  else
    act "point current at releases/${newest##*/}" point_link "$ROOT/current" "releases/${newest##*/}" || problem "could not point current at releases/${newest##*/}"
    live=$newest
  fi
fi

# --- data missing from shared/ -----------------------------------------------------------
# An empty folder in place of missing data would hide the loss (an unmounted disk, a deleted
# folder) behind a site that looks fine: say so, and where the backups are. Unless the live
# release holds the path as a real folder or file, which the next part moves there.
for ((i = 0; i < ${#PERSISTENT[@]}; i += 3)); do
  path=${PERSISTENT[i]}
  kind=${PERSISTENT[i + 1]}
  stored="$SHARED/$path"
  [[ -e $stored || -L $stored ]] && continue
  if [[ -n $live && ! -L $live/$path ]] && [[ -d $live/$path || -f $live/$path ]]; then continue; fi
  shell_quote "$stored"
  if [[ $kind == dir ]]; then create="create it empty with mkdir -p -- $REPLY"; else create="write it anew at $REPLY"; fi
  shell_quote "$ROOT"
  quoted_root=$REPLY
  shell_quote "$path"
  quoted_path=$REPLY
  shell_quote "$ROOT/backups"
  problem "shared/$path is missing, and recovery does not replace lost data with an empty one (was shared/ moved, or a disk not mounted?). Put it back from a backup: persist-deploy restore --root $quoted_root --path $quoted_path (backups are in $REPLY); if it is really gone, $create, then run recovery again."
done

# --- links of the live release -----------------------------------------------------------
if [[ -n $live ]]; then
  for ((i = 0; i < ${#PERSISTENT[@]}; i += 3)); do
    path=${PERSISTENT[i]}
    kind=${PERSISTENT[i + 1]}
    text=${PERSISTENT[i + 2]}
    link="$live/$path"
    stored="$SHARED/$path"
    want=$(resolved "$stored")
    if [[ -L $link ]]; then
      got=$(resolved "$link")
      [[ -n $got && $got == "$want" ]] && ! is_absolute_link "$link" && continue
      act "re-create the link $path -> $text" point_link "$link" "$text" || problem "could not re-create the link $path"
    elif [[ -d $link ]]; then
      if act "move the files of the real folder $path into shared/$path (nothing overwritten)" merge_into "$link" "$stored"; then
        act "link $path -> $text" point_link "$link" "$text" || problem "could not link $path"
      else
        problem "could not replace the real folder $path with a link; its remaining files are still there"
      fi
    elif [[ -e $link ]]; then
      if [[ -e $stored || -L $stored ]]; then
        free_name "$stored.recovered-$stamp"
        act "keep the release's own $path as shared/${REPLY#"$SHARED"/} (shared/$path is kept)" mv -T -n -- "$link" "$REPLY" \
          || problem "could not move $link"
      else
        act "move the release's own $path into shared/$path" mv -T -n -- "$link" "$stored" || problem "could not move $link"
      fi
      [[ -e $link || -L $link ]] || act "link $path -> $text" point_link "$link" "$text" || problem "could not link $path"
    else
      act "create the missing link $path -> $text" point_link "$link" "$text" || problem "could not create the link $path"
    fi
  done

  for ((i = 0; i < ${#APP_LINKS[@]}; i += 3)); do
    path=${APP_LINKS[i]}
    target=${APP_LINKS[i + 1]}
    text=${APP_LINKS[i + 2]}
    link="$live/$path"
    got=$(resolved "$link")
    want=$(resolved "$live/$target")
    [[ -L $link && -n $got && $got == "$want" ]] && ! is_absolute_link "$link" && continue
    if [[ -L $link || ! -e $link ]]; then
      act "re-create the link $path -> $text" point_link "$link" "$text" || problem "could not re-create the link $path"
    elif [[ -d $link ]]; then
      if act "move the files of the real folder $path into $target (nothing overwritten)" merge_into "$link" "$live/$target"; then
        act "link $path -> $text" point_link "$link" "$text" || problem "could not link $path"
      else
        problem "could not replace the real folder $path with a link"
      fi
    else
      problem "$link is a file where a link to $target belongs; move it aside and run this again"
    fi
  done
fi

# --- secrets -----------------------------------------------------------------------------
for path in ${SECRETS[@]+"${SECRETS[@]}"}; do
  secret="$SHARED/$path"
  [[ -f $secret && ! -L $secret ]] || continue
  mode=$(stat -c %a -- "$secret")
  if (((8#$mode & 8#007) != 0)); then
    act "remove every-user access from shared/$path (mode $mode)" chmod o-rwx -- "$secret" || problem "could not chmod shared/$path"
  fi
done

if ((changes == 0)); then
  printf 'Nothing to repair.\n'
fi
if ((dry_run)); then
  exit "$((problems > 0 ? 1 : 0))"
fi
if [[ -x $SHARED/health-check.sh ]]; then
  "$SHARED/health-check.sh"
  health=$?
  ((health >= 2)) && problems=$((problems + 1))
fi
exit "$((problems > 0 ? 1 : 0))"
