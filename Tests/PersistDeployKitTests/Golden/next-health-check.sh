#!/usr/bin/env bash
# health-check.sh: checks the live layout of this deploy root, the same checks as
# `persist-deploy health-check`. Written by persist-deploy (version in
# TOOL_VERSION below); run `persist-deploy generate` to write it again.
#
# Usage: health-check.sh [--json]
# Exit codes: 0 healthy, 1 warnings only, 2 at least one check failed, 64 bad usage.
# Needs bash and coreutils only. It never changes anything.
# shellcheck disable=SC1003,SC2016  # The expectations below are data: single quotes keep any
# $( ), backtick or trailing backslash in a path literal, which is the point (data rule 8).
set -u
export LC_ALL=C

# What the deploy decided, written in at generation time as quoted literals (never eval'd).
TOOL_VERSION='<version>'
FRAMEWORK='next'
WEB_ROOT='public'
# Set only when shared/ does not live at ROOT/shared.
ROOT_FALLBACK='/var/www/next app'
# Persistent paths: path, kind (dir|file), link text from the release.
PERSISTENT=(
  'data/app.sqlite' 'file' '../../../../../../mnt/data/next-shared/data/app.sqlite'
  'public/media' 'dir' '../../../../../../mnt/data/next-shared/public/media'
  'public/qrcodes' 'dir' '../../../../../../mnt/data/next-shared/public/qrcodes'
)
# Web-root directories that ship with each release.
ASSETS=(
  'public/fonts'
  'public/images'
)
# Links to other paths of the app: path, target (relative to the app), link text.
APP_LINKS=(

)
# Secret files whose mode must not let every user read them.
SECRETS=(

)
MIN_FREE_KB=$((500 * 1024))
MIN_FREE_PERCENT=5

json=0
case "${1:-}" in
  "") ;;
  --json) json=1 ;;
  -h | --help)
    printf 'Usage: %s [--json]\nChecks the live layout. Exit 0 healthy, 1 warnings, 2 failed.\nWritten by persist-deploy %s.\n' "${0##*/}" "$TOOL_VERSION"
    exit 0
    ;;
  *)
    printf 'error: unknown option %s\nUsage: %s [--json]\n' "$1" "${0##*/}" >&2
    exit 64
    ;;
esac

SHARED=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P) || exit 2
if [[ -n $ROOT_FALLBACK ]]; then ROOT=$ROOT_FALLBACK; else ROOT=$(dirname -- "$SHARED"); fi

names=()
paths=()
statuses=()
messages=()
passed=0
warned=0
failed=0

# record STATUS NAME PATH MESSAGE: keeps one check's result and prints its line.
record() {
  statuses+=("$1")
  names+=("$2")
  paths+=("$3")
  messages+=("$4")
  case $1 in
    pass) passed=$((passed + 1)) ;;
    warn) warned=$((warned + 1)) ;;
    *) failed=$((failed + 1)) ;;
  esac
  local label
  case $1 in pass) label=PASS ;; warn) label=WARN ;; *) label=FAIL ;; esac
  say "$label $2 $3: $4"
}

# say LINE: a line for people (on stderr under --json, so stdout holds the JSON alone).
say() {
  if ((json)); then printf '%s\n' "$1" >&2; else printf '%s\n' "$1"; fi
}

say "Health of $ROOT ($FRAMEWORK, web root $WEB_ROOT)"

# resolved PATH: the canonical path of an existing PATH, or nothing.
resolved() {
  readlink -e -- "$1" 2>/dev/null
}

# --- current -----------------------------------------------------------------------------
live=""
if [[ -L $ROOT/current ]]; then
  target=$(resolved "$ROOT/current")
  releases=$(resolved "$ROOT/releases")
  if [[ -z $target || ! -d $target ]]; then
    record fail current current "is a dangling link to $(readlink -- "$ROOT/current")"
  elif [[ -z $releases || $(dirname -- "$target") != "$releases" ]]; then
    record fail current current "resolves to $target, not to a release under releases/"
  else
    live=$target
    record pass current current "points at releases/${target##*/}"
  fi
elif [[ -e $ROOT/current ]]; then
  record fail current current "is not a symlink"
else
  record fail current current "is missing"
fi

# --- persistent paths --------------------------------------------------------------------
for ((i = 0; i < ${#PERSISTENT[@]}; i += 3)); do
  path=${PERSISTENT[i]}
  kind=${PERSISTENT[i + 1]}
  if [[ -n $live ]]; then
    link="$live/$path"
    if [[ -L $link ]]; then
      got=$(resolved "$link")
      want=$(resolved "$SHARED/$path")
      if [[ -z $got ]]; then
        record fail link "$path" "is a dangling link to $(readlink -- "$link")"
      elif [[ $got != "$want" ]]; then
        record fail link "$path" "points at $got, not at shared/$path"
      elif [[ $kind == dir && ! -d $got ]]; then
        record fail link "$path" "resolves to something that is not a directory"
      elif [[ $kind == file && ! -f $got ]]; then
        record fail link "$path" "resolves to something that is not a file"
      else
        record pass link "$path" "links to shared/$path"
      fi
    elif [[ -d $link ]]; then
      record fail link "$path" "is a real directory, not a link into shared/"
    elif [[ -e $link ]]; then
      record fail link "$path" "is a real file, not a link into shared/"
    else
      record fail link "$path" "is missing"
    fi
  fi
  stored="$SHARED/$path"
  if [[ $kind == dir ]]; then
    if [[ -d $stored && -w $stored ]]; then
      record pass shared "$path" "is a writable directory"
    elif [[ -d $stored ]]; then
      record fail shared "$path" "is not writable"
    elif [[ -e $stored ]]; then
      record fail shared "$path" "is not a directory"
    else
      record fail shared "$path" "is missing from shared/"
    fi
  elif [[ -f $stored ]]; then
    record pass shared "$path" "is a file"
  elif [[ -e $stored ]]; then
    record fail shared "$path" "is not a file"
  else
    record fail shared "$path" "is missing from shared/"
  fi
done

# --- assets and links inside the app -----------------------------------------------------
if [[ -n $live ]]; then
  for path in ${ASSETS[@]+"${ASSETS[@]}"}; do
    asset="$live/$path"
    if [[ -L $asset ]]; then
      record fail asset "$path" "is a symlink; assets must be real directories of the release"
    elif [[ -d $asset ]]; then
      record pass asset "$path" "is a real directory"
    elif [[ -e $asset ]]; then
      record fail asset "$path" "is not a directory"
    else
      record warn asset "$path" "is missing from the release"
    fi
  done
  for ((i = 0; i < ${#APP_LINKS[@]}; i += 3)); do
    path=${APP_LINKS[i]}
    target=${APP_LINKS[i + 1]}
    link="$live/$path"
    got=$(resolved "$link")
    want=$(resolved "$live/$target")
    if [[ -L $link && -n $got && $got == "$want" ]]; then
      record pass app-link "$path" "links to $target"
    elif [[ -L $link ]]; then
      record fail app-link "$path" "does not resolve to $target"
    elif [[ -e $link ]]; then
      record fail app-link "$path" "is not a link to $target"
    else
      record fail app-link "$path" "is missing (should link to $target)"
    fi
  done
fi

# --- secrets -----------------------------------------------------------------------------
for path in ${SECRETS[@]+"${SECRETS[@]}"}; do
  secret="$SHARED/$path"
  [[ -f $secret ]] || continue
  mode=$(stat -L -c %a -- "$secret")
  if (((8#$mode & 8#007) != 0)); then
    record warn secret-mode "$path" "mode $mode lets every user read it; run: chmod o-rwx shared/$path"
  else
    record pass secret-mode "$path" "mode $mode"
  fi
done

# --- disk space --------------------------------------------------------------------------
read -r total_kb free_kb < <(df -k --output=size,avail -- "$SHARED" 2>/dev/null | tail -n 1)
if [[ ${total_kb:-} =~ ^[0-9]+$ && ${free_kb:-} =~ ^[0-9]+$ && $total_kb -gt 0 ]]; then
  percent=$((free_kb * 100 / total_kb))
  if ((free_kb < MIN_FREE_KB || percent < MIN_FREE_PERCENT)); then
    record warn disk shared "$((free_kb / 1024)) MB free ($percent%); deploys and uploads may fail"
  else
    record pass disk shared "$((free_kb / 1024)) MB free ($percent%)"
  fi
else
  record warn disk shared "free space could not be read"
fi

# --- deployment history ------------------------------------------------------------------
history="$SHARED/.deployment-history"
if [[ -s $history ]]; then
  last=$(tail -n 1 -- "$history")
  if [[ $last =~ \"release\":\"([^\"]*)\" ]]; then
    record pass history .deployment-history "last deploy: ${BASH_REMATCH[1]}"
  else
    record pass history .deployment-history "has entries"
  fi
else
  record warn history .deployment-history "no deploy is recorded"
fi

# --- leftovers of an interrupted restore or backup ------------------------------------------
for ((i = 0; i < ${#PERSISTENT[@]}; i += 3)); do
  path=${PERSISTENT[i]}
  place=$(resolved "$SHARED/$path") || place=""
  [[ -n $place ]] || place="$SHARED/$path"
  for suffix in restore-new restore-old; do
    name=".${place##*/}.$suffix"
    if [[ -e ${place%/*}/$name || -L ${place%/*}/$name ]]; then
      record warn leftover "$path" "$name beside it was left by an interrupted restore; run the restore again to finish, or check it and move it away"
    fi
  done
done
if [[ -e $ROOT/.persist-deploy/restore-journal.json ]]; then
  record warn leftover .persist-deploy/restore-journal.json "a restore was interrupted; the next backup, restore or deploy cleans up after it"
fi
for unfinished in "$ROOT"/backups/.tmp-*; do
  if [[ -e $unfinished || -L $unfinished ]]; then
    record warn leftover "backups/${unfinished##*/}" "an interrupted backup left it; the next backup removes it"
  fi
done

# --- report ------------------------------------------------------------------------------
if ((failed > 0)); then
  status=failed
  code=2
elif ((warned > 0)); then
  status=warning
  code=1
else
  status=healthy
  code=0
fi

# json_string TEXT: TEXT as a JSON string literal, in $REPLY.
json_string() {
  local text=$1 escaped="" char code
  text=${text//\\/\\\\}
  text=${text//\"/\\\"}
  text=${text//$'\n'/\\n}
  text=${text//$'\r'/\\r}
  text=${text//$'\t'/\\t}
  if [[ $text == *[[:cntrl:]]* ]]; then
    for ((c = 0; c < ${#text}; c++)); do
      char=${text:c:1}
      if [[ $char == [[:cntrl:]] ]]; then
        printf -v code '\\u%04x' "'$char"
        escaped+=$code
      else
        escaped+=$char
      fi
    done
    text=$escaped
  fi
  REPLY="\"$text\""
}

say "Results: $passed passed, $warned warnings, $failed failed"
if ((json)); then
  out="{\"status\":\"$status\",\"passed\":$passed,\"warnings\":$warned,\"failed\":$failed,\"checks\":["
  for ((i = 0; i < ${#names[@]}; i++)); do
    ((i > 0)) && out+=","
    json_string "${names[i]}"
    out+="{\"name\":$REPLY"
    json_string "${paths[i]}"
    out+=",\"path\":$REPLY,\"status\":\"${statuses[i]}\""
    json_string "${messages[i]}"
    out+=",\"message\":$REPLY}"
  done
  printf '%s]}\n' "$out"
fi
exit "$code"
