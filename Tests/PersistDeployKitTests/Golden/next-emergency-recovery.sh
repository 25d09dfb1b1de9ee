#!/usr/bin/env bash
# emergency-recovery.sh: re-creates what is missing or broken in this deploy root, the same
# repairs as `persist-deploy recover`. Written by persist-deploy (version in TOOL_VERSION
# below); run `persist-deploy generate` to write it again.
#
# Usage: emergency-recovery.sh [--dry-run]
# - a missing, dangling, misdirected or absolute link of a persistent path is made again
#   (relative);
# - a real directory where a link belongs (someone unzipped over it) has its files moved into
#   shared/ first (copies with the same bytes as shared/'s are dropped); when some differ from
#   shared/'s, only one can be live and the admin chooses: the folder is left as it is and the
#   problem says how to keep either;
# - a missing or broken `current` is pointed at the release the records say was live last:
#   the site an interrupted adoption was moving, else the last release the history switched
#   `current` to that is not marked bad (never the newest folder for being newest: that may be
#   a release a deploy was still preparing); temp link + mv -T;
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
ROOT_FALLBACK='/var/www/next app'
# Persistent paths: path, kind (dir|file|app-file: a config file the app's installer writes, never
# created here|optional-file: one the app reads only when present, never created either), link
# text from the release.
PERSISTENT=(
  'data/app.sqlite' 'file' '../../../../../../mnt/data/next-shared/data/app.sqlite'
  'public/media' 'dir' '../../../../../../mnt/data/next-shared/public/media'
  'public/qrcodes' 'dir' '../../../../../../mnt/data/next-shared/public/qrcodes'
)
# Links to other paths of the app: path, target (relative to the app), link text.
APP_LINKS=(

)
# Secret files whose mode must not let every user read them.
SECRETS=(

)
# The folder the host serves ('' when none), the link that makes it show current/<web root>,
# and the persistent paths in the web root: name there, path in shared/, kind, link text.
SERVED=''
SERVED_LINK=''
SERVED_FOLDERS=(

)
FRAMEWORK='next'
WEB_ROOT='public'
# Laravel, sync mode: the served index.php when it is missing (it loads the live release).
LARAVEL_INDEX='<?php
// Written by persist-deploy: the live release, read from the `current` link on each request
// (a path through the link may be served from PHP'\''s realpath cache for 2 minutes after a deploy).
define('\''PERSIST_DEPLOY_RELEASE'\'', '\''/var/www/next app/'\''.readlink('\''/var/www/next app/current'\''));
use Illuminate\Http\Request;

define('\''LARAVEL_START'\'', microtime(true));

if (file_exists($maintenance = PERSIST_DEPLOY_RELEASE.'\''/storage/framework/maintenance.php'\'')) {
    require $maintenance;
}

require PERSIST_DEPLOY_RELEASE.'\''/vendor/autoload.php'\'';

(require_once PERSIST_DEPLOY_RELEASE.'\''/bootstrap/app.php'\'')
    ->handleRequest(Request::capture());
'

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

# shellcheck disable=SC2317  # called by merge_into, which act "$@" calls
# free_name PATH: PATH, or PATH-2, PATH-3... the first that does not exist yet.
free_name() {
  local candidate=$1 n=2
  while [[ -e $candidate || -L $candidate ]]; do
    candidate="$1-$n"
    n=$((n + 1))
  done
  REPLY=$candidate
}

# same_bytes A B: true when A and B are regular files (not links) holding the same bytes.
same_bytes() {
  [[ -f $1 && ! -L $1 && -f $2 && ! -L $2 ]] || return 1
  [[ $(stat -c %s -- "$1") == "$(stat -c %s -- "$2")" ]] || return 1
  local first second
  first=$(sha256sum <"$1") && second=$(sha256sum <"$2") && [[ $first == "$second" ]]
}

# differing_copies SOURCE DESTINATION [PREFIX]: appends to DIFFERING the paths under SOURCE
# whose namesake under DESTINATION is something else (other bytes, a link with other text,
# another kind): the clashes a merge cannot settle without choosing which copy is live.
differing_copies() {
  local source=$1 destination=$2 prefix=${3:-} entry name target
  for entry in "$source"/*; do
    name=${entry##*/}
    target="$destination/$name"
    [[ -e $target || -L $target ]] || continue
    if [[ -d $entry && ! -L $entry && -d $target && ! -L $target ]]; then
      differing_copies "$entry" "$target" "$prefix$name/"
    elif [[ -L $entry && -L $target && $(readlink -- "$entry") == "$(readlink -- "$target")" ]]; then
      continue
    elif ! same_bytes "$entry" "$target"; then
      DIFFERING+=("$prefix$name")
    fi
  done
}

# differing_folder FOLDER INTO: true (with the problem said) when the real folder FOLDER holds
# copies that differ from those in INTO: recovery does not choose which is live.
differing_folder() {
  local folder=$1 into=$2 shown="" n live_copy aside verb
  DIFFERING=()
  [[ -d $into && ! -L $into ]] || return 1
  differing_copies "$folder" "$into"
  ((${#DIFFERING[@]})) || return 1
  for ((n = 0; n < ${#DIFFERING[@]} && n < 5; n++)); do shown+="${shown:+, }${DIFFERING[n]}"; done
  ((${#DIFFERING[@]} > 5)) && shown+=" and $((${#DIFFERING[@]} - 5)) more"
  verb="${#DIFFERING[@]} files differ"
  ((${#DIFFERING[@]} == 1)) && verb="1 file differs"
  shell_quote "$folder/."
  live_copy=$REPLY
  shell_quote "$into/"
  into=$REPLY
  shell_quote "$folder/${DIFFERING[0]}"
  aside=$REPLY
  shell_quote "$folder/${DIFFERING[0]}.replaced"
  problem "'$folder' is a real folder where the link to '$2' belongs, and $verb in it from the copies there ($shown): only one copy of each can be live, and recovery does not choose, so it left this folder as it is. To keep the live release's copies (what the app wrote last; this replaces shared/'s copies of those files, which a 'persist-deploy backup' first keeps): cp -a -- $live_copy $into, then run this again. To keep shared/'s copies live instead, rename the live release's copy of each (e.g. mv -n -- $aside $REPLY), then run this again: the renamed files join shared/ under their new names."
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
# without overwriting anything (a file with the same bytes as its namesake is dropped), then
# removes the emptied SOURCE.
merge_into() {
  local source=$1 destination=$2 entry name target
  mkdir -p -- "$destination" || return 1
  for entry in "$source"/*; do
    name=${entry##*/}
    target="$destination/$name"
    if [[ -d $entry && ! -L $entry && -d $target && ! -L $target ]]; then
      merge_into "$entry" "$target" || return 1
    elif same_bytes "$entry" "$target"; then
      rm -f -- "$entry" || return 1 # the release's duplicate of what shared/ holds
    elif [[ -e $target || -L $target ]]; then
      # Planning left differing copies alone; this one appeared since: keep both.
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

# is_release ID: true when releases/ID is a real folder (not hidden, not a link).
is_release() {
  [[ -n $1 && $1 != .* && $1 != */* && -d $ROOT/releases/$1 && ! -L $ROOT/releases/$1 ]]
}

# good_release: the release the records say was live last, in REPLY (empty when none), the
# same choice as `persist-deploy recover`: the site an interrupted adoption was moving (its
# marker, when the history does not name it yet), else the release whose last word is still
# that it went live (not bad, failed or only prepared) and that went live most recently (deploy,
# adoption or rollback). A rotated history opens with carried lines whose checkpoint keeps that
# order ("deployed", "lastLive"); later lines count on from the largest.
good_release() {
  local history="$SHARED/.deployment-history" marker="$ROOT/.persist-deploy/adopting"
  local line id outcome candidate at best="" best_at=-1 counter=0
  local re_release='"release":"([^"]*)"' re_outcome='"outcome":"([^"]*)"'
  local re_deployed='"deployed":([0-9]+)' re_live='"lastLive":([0-9]+)'
  local -A word=() named=() live_at=()
  if [[ -f $history ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
      [[ $line =~ $re_release ]] || continue
      id=${BASH_REMATCH[1]}
      [[ $line =~ $re_outcome ]] || continue
      outcome=${BASH_REMATCH[1]}
      named[$id]=1
      if [[ $line == *'"checkpoint":'* ]]; then
        word[$id]=$outcome
        if [[ $line =~ $re_deployed ]] && ((BASH_REMATCH[1] > counter)); then counter=${BASH_REMATCH[1]}; fi
        if [[ $line =~ $re_live ]]; then
          live_at[$id]=${BASH_REMATCH[1]}
          ((BASH_REMATCH[1] > counter)) && counter=${BASH_REMATCH[1]}
        fi
        continue
      fi
      counter=$((counter + 1))
      [[ $outcome == rolled-back ]] || word[$id]=$outcome
      if [[ $outcome == activated || $outcome == adopted || $outcome == rolled-back ]]; then
        live_at[$id]=$counter
      fi
    done <"$history"
  fi
  REPLY=""
  if [[ -f $marker ]] && read -r candidate <"$marker" && [[ -z ${named[$candidate]+set} ]] && is_release "$candidate"; then
    REPLY=$candidate
    return
  fi
  # Values are copied out before arithmetic: a subscript inside (( )) would be expanded again.
  for id in "${!live_at[@]}"; do
    [[ ${word[$id]:-} == activated || ${word[$id]:-} == adopted ]] || continue
    at=${live_at[$id]}
    ((at > best_at)) || continue
    is_release "$id" || continue
    best=$id
    best_at=$at
  done
  REPLY=$best
}

# --- an adoption a deploy was killed in ------------------------------------------------------
# A deploy moving a path of the live release into shared/ writes .persist-deploy/adoption-journal
# first (fields ended by a NUL each: a tag, the release id, the path, the link text; read as data,
# never evaluated) and removes it once the path is linked. The record names the path only at the
# deploy's end, so the parts below would not see it: it is finished first, as `persist-deploy
# recover` does. Without RENAME_EXCHANGE in mv, an old copy still live is renamed aside and then
# linked: two steps.
release_id='^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}(-([2-9]|[1-9][0-9]+))?$'

# The adoption journal's reader, shared by health-check.sh and emergency-recovery.sh (the binary's
# is AdoptionJournal.swift): one format, one parser.
# read_adoption_journal FILE: sets adoption_release, adoption_path, adoption_text; false when the
# file is not a whole journal.
read_adoption_journal() {
  local tag="" extra=""
  adoption_release=""
  adoption_path=""
  adoption_text=""
  {
    IFS= read -r -d '' tag && IFS= read -r -d '' adoption_release && IFS= read -r -d '' adoption_path \
      && IFS= read -r -d '' adoption_text && ! IFS= read -r -d '' extra && [[ -z $extra ]]
  } <"$1" || return 1
  [[ $tag == "persist-deploy adoption 1" && $adoption_release =~ $release_id && -n $adoption_text ]] || return 1
  [[ -n $adoption_path && $adoption_path != /* && /$adoption_path/ != *//* && /$adoption_path/ != */./* && /$adoption_path/ != */../* ]]
}

# shellcheck disable=SC2317  # called through act "$@"
# finish_adoption STAGE LIVE STORED ASIDE TEXT: brings the adoption to its end from STAGE (see
# health-check.sh): the link made, the old copy merged into shared/ without overwriting anything,
# then the journal removed.
finish_adoption() {
  local stage=$1 live=$2 stored=$3 aside=$4 text=$5
  if [[ -L $aside ]]; then rm -f -- "$aside" || return 1; fi
  case $stage in
    nothing-moved) rm -rf -- "$(dirname -- "$stored")/.persist-deploy.seeding" || return 1 ;;
    unlinked) point_link "$live" "$text" || return 1 ;;
    copied) { mv -T -n -- "$live" "$aside" && [[ ! -e $live ]] && point_link "$live" "$text"; } || return 1 ;;
  esac
  if [[ -d $aside && ! -L $aside ]]; then
    merge_into "$aside" "$stored" || return 1
  elif [[ -e $aside && ! -L $aside ]]; then
    if same_bytes "$aside" "$stored"; then
      rm -f -- "$aside" || return 1
    else
      free_name "$stored.recovered-$stamp"
      printf '  kept both: %s is saved as %s\n' "$stored" "$REPLY"
      mv -T -n -- "$aside" "$REPLY" || return 1
    fi
  fi
  rm -f -- "$ROOT/.persist-deploy/adoption-journal"
}

adoption_journal="$ROOT/.persist-deploy/adoption-journal"
if [[ -e $adoption_journal || -L $adoption_journal ]]; then
  if ! read_adoption_journal "$adoption_journal"; then
    problem "'$adoption_journal' is not an adoption journal this version can read: a deploy adopting a path of the live release into shared/ was interrupted. Check the live release's links against shared/ (health-check.sh), then remove that file."
  else
    adoption_live="$ROOT/releases/$adoption_release/$adoption_path"
    adoption_stored="$SHARED/$adoption_path"
    adoption_aside="$(dirname -- "$adoption_live")/.persist-deploy-adopting"
    shown="releases/$adoption_release/$adoption_path"
    stored_there=0
    [[ -e $adoption_stored || -L $adoption_stored ]] && stored_there=1
    if [[ -L $adoption_live ]]; then
      text=$(readlink -- "$adoption_live"; printf x)
      text=${text%x}
      text=${text%$'\n'}
      stage=linked
      [[ $text == "$adoption_text" ]] && ((stored_there)) || stage=unknown
    elif [[ ! -e $adoption_live ]]; then
      stage=unknown
      ((stored_there)) && stage=unlinked
    elif ((stored_there)); then
      stage=copied
    else
      stage=nothing-moved
    fi
    case $stage in
      nothing-moved) what="nothing had moved ($shown holds it whole); remove its partial copy and journal" ;;
      unlinked) what="link $shown -> $adoption_text (its data is in shared/)" ;;
      copied) what="put the link $shown -> $adoption_text in place of the old copy, then merge what only the old copy holds into shared/$adoption_path" ;;
      *) what="merge the old copy set aside beside $shown (if any) into shared/$adoption_path; remove its journal" ;;
    esac
    if [[ $stage == unknown ]]; then
      problem "A deploy adopting '$adoption_path' into shared/ was interrupted, and neither '$adoption_live' nor '$adoption_stored' is as it left them (is a disk not mounted, or was one moved?). Nothing was changed; look for the data, put it at '$adoption_stored', then remove '$adoption_journal' and run recovery again."
    else
      act "finish the interrupted adoption of $adoption_path: $what" \
        finish_adoption "$stage" "$adoption_live" "$adoption_stored" "$adoption_aside" "$adoption_text" \
        || problem "could not finish the interrupted adoption of $adoption_path"
    fi
  fi
fi

# --- current -----------------------------------------------------------------------------
live=""
target=$(resolved "$ROOT/current")
releases=$(resolved "$ROOT/releases")
if [[ -L $ROOT/current && -n $target && -d $target && -n $releases && $(dirname -- "$target") == "$releases" ]]; then
  live=$target
elif [[ -d $ROOT/current && ! -L $ROOT/current ]]; then
  problem "$ROOT/current is a real folder: a site deployed in place, which is live as it is; adopt it with: persist-deploy auto --adopt --root $ROOT --from NEW_RELEASE"
elif [[ -e $ROOT/current && ! -L $ROOT/current ]]; then
  problem "$ROOT/current is a real file, not a link; move it aside and run this again"
else
  good_release
  if [[ -z $REPLY ]]; then
    problem "no release under $ROOT/releases is recorded as having gone live, so current is not pointed at any; once you have checked one: ln -sfn releases/ID current"
  else
    act "point current at releases/$REPLY" point_link "$ROOT/current" "releases/$REPLY" || problem "could not point current at releases/$REPLY"
    live="$ROOT/releases/$REPLY"
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
  # A config file the app's installer has not written yet is expected to be absent.
  [[ $kind == *-file ]] && continue
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
      # A config file the app's installer writes is not there until it does: the link is right.
      [[ $kind == *-file && ! -e $stored && ! -L $stored && $(readlink -- "$link") == "$text" ]] && continue
      act "re-create the link $path -> $text" point_link "$link" "$text" || problem "could not re-create the link $path"
    elif [[ -d $link ]]; then
      differing_folder "$link" "$stored" && continue
      if act "move the files of the real folder $path into shared/$path (nothing overwritten)" merge_into "$link" "$stored"; then
        act "link $path -> $text" point_link "$link" "$text" || problem "could not link $path"
      else
        problem "could not replace the real folder $path with a link; its remaining files are still there"
      fi
    elif [[ -e $link ]]; then
      if same_bytes "$link" "$stored"; then
        act "replace the release's own $path (the same bytes as shared/$path) with the link $path -> $text" \
          point_link "$link" "$text" || problem "could not link $path"
        continue
      elif [[ -e $stored || -L $stored ]]; then
        shell_quote "$link"
        local_copy=$REPLY
        shell_quote "$stored"
        stored_copy=$REPLY
        shell_quote "$stored.replaced"
        problem "'$link' is a real file where the link to '$stored' belongs, and the two differ: only one can be live, and recovery does not choose. To keep the live release's copy (the app wrote it last) and shared/'s as '${stored##*/}.~1~' beside it (or the next free number): mv --backup=numbered -- $local_copy $stored_copy, then run this again. To keep shared/'s copy live and the live release's beside it: mv -n -- $local_copy $REPLY, then run this again."
        continue
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
      differing_folder "$link" "$live/$target" && continue
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

# --- the served folder (--public-html) ---------------------------------------------------

# shellcheck disable=SC2317  # called through act "$@"
# sync_served WEB_ROOT_DIR RELEASE_ID: copies the release's web-root files into the served
# folder (each through a temporary name), except the persistent paths; removes nothing. The
# list of synced files grows by what was copied, so a later deploy removes what goes stale.
sync_served() {
  local source=$1 id=$2 state="$ROOT/.persist-deploy/public-html" files=() file k skip temporary
  mkdir -p -- "$SERVED" "$state" || return 1
  collect_files "$source" ""
  for file in ${FOUND[@]+"${FOUND[@]}"}; do
    skip=0
    for ((k = 0; k < ${#SERVED_FOLDERS[@]}; k += 4)); do
      [[ $file == "${SERVED_FOLDERS[k]}" || $file == "${SERVED_FOLDERS[k]}"/* ]] && skip=1
    done
    [[ $FRAMEWORK == laravel && $file == index.php ]] && skip=1
    [[ -d $SERVED/$file && ! -L $SERVED/$file ]] && skip=1
    ((skip)) && continue
    mkdir -p -- "$(dirname -- "$SERVED/$file")" || return 1
    temporary="$(dirname -- "$SERVED/$file")/.${file##*/}.persist-deploy-copy"
    rm -rf -- "$temporary" && cp -a -- "$source/$file" "$temporary" && mv -f -T -- "$temporary" "$SERVED/$file" || return 1
    files+=("$file")
  done
  if [[ -f $state/last ]]; then
    local previous=""
    IFS= read -r previous <"$state/last"
    if [[ -n $previous && -f $state/$previous.files ]]; then
      while IFS= read -r -d '' file; do files+=("$file"); done <"$state/$previous.files"
    fi
  fi
  { ((${#files[@]} == 0)) || printf '%s\0' "${files[@]}"; } | sort -z -u >"$state/.$id.files.tmp" && mv -f -T -- "$state/.$id.files.tmp" "$state/$id.files" \
    && printf '%s\n' "$id" >"$state/.last.tmp" && mv -f -T -- "$state/.last.tmp" "$state/last"
}

# shellcheck disable=SC2317  # called from sync_served, which is called through act "$@"
# collect_files DIR PREFIX: FOUND = every non-directory entry below DIR, relative to it.
collect_files() {
  [[ -n $2 ]] || FOUND=()
  local entry
  for entry in "$1"/*; do
    if [[ -d $entry && ! -L $entry ]]; then
      collect_files "$entry" "$2${entry##*/}/"
    else
      FOUND+=("$2${entry##*/}")
    fi
  done
}

# shellcheck disable=SC2317  # called through act "$@"
write_index() {
  printf '%s' "$LARAVEL_INDEX" >"$SERVED/.index.php.persist-deploy-tmp" && mv -f -T -- "$SERVED/.index.php.persist-deploy-tmp" "$SERVED/index.php"
}

if [[ -n $SERVED ]]; then
  synced=""
  [[ -f $ROOT/.persist-deploy/public-html/last ]] && IFS= read -r synced <"$ROOT/.persist-deploy/public-html/last"
  if [[ -L $SERVED || (! -e $SERVED && -z $synced) ]]; then
    # Link mode: the folder is a link to current/<web root>.
    if [[ $(readlink -- "$SERVED") != "$SERVED_LINK" || -z $(resolved "$SERVED") ]]; then
      act "re-create the link $SERVED -> $SERVED_LINK" point_link "$SERVED" "$SERVED_LINK" || problem "could not link $SERVED"
    fi
  elif [[ -d $SERVED || ! -e $SERVED ]]; then
    # Sync mode: the folder is real and shows the live release's web root.
    if [[ -n $live ]]; then
      if [[ $WEB_ROOT == . ]]; then live_web=$live; else live_web="$live/$WEB_ROOT"; fi
      if [[ ! -d $SERVED || $synced != "${live##*/}" ]]; then
        act "copy the web root of releases/${live##*/} into $SERVED" sync_served "$live_web" "${live##*/}" || problem "could not copy the live web root into $SERVED"
      fi
    fi
    for ((i = 0; i < ${#SERVED_FOLDERS[@]}; i += 4)); do
      [[ ${SERVED_FOLDERS[i + 2]} == dir ]] || continue
      place="$SERVED/${SERVED_FOLDERS[i]}"
      stored="$SHARED/${SERVED_FOLDERS[i + 1]}"
      if [[ -L $stored && ! -L $place && $(readlink -m -- "$stored") == "$(readlink -m -- "$place")" ]]; then
        if [[ ! -e $place ]]; then
          shell_quote "$ROOT"
          quoted_root=$REPLY
          shell_quote "${SERVED_FOLDERS[i + 1]}"
          quoted_path=$REPLY
          shell_quote "$place"
          problem "$place is missing; it held the files of ${SERVED_FOLDERS[i + 1]} (the served folder keeps them), and recovery does not replace lost data with an empty folder. Put it back from a backup: persist-deploy restore --root $quoted_root --path $quoted_path; if it is really gone, create it empty with mkdir -p -- $REPLY, then run recovery again."
        fi
      elif [[ ! -e $place && ! -L $place ]] || [[ -L $place && $(resolved "$place") != "$(resolved "$stored")" ]]; then
        act "re-create the link $place -> ${SERVED_FOLDERS[i + 3]}" point_link "$place" "${SERVED_FOLDERS[i + 3]}" || problem "could not link $place"
      fi
    done
    if [[ $FRAMEWORK == laravel && ! -f $SERVED/index.php ]]; then
      act "write $SERVED/index.php (it loads the live release)" write_index || problem "could not write $SERVED/index.php"
    fi
  else
    problem "$SERVED is a file where the served folder belongs; move it aside and run this again"
  fi
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

if ((changes == 0 && problems == 0)); then
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
