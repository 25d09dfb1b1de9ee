#!/usr/bin/env bash
# health-check.sh: checks the live layout of this deploy root, the same checks as
# `persist-deploy health-check`. Written by persist-deploy (version in
# TOOL_VERSION below); run `persist-deploy generate` to write it again.
#
# Usage: health-check.sh [--json] [--quiet]
#   --quiet  print nothing when healthy, and only the problems otherwise (for cron, which mails
#            what a job prints): */5 * * * * /bin/bash /ABSOLUTE/PATH/shared/health-check.sh --quiet
# Exit codes: 0 healthy, 1 warnings only, 2 at least one check failed, 64 bad usage.
# Needs bash and coreutils only. It changes nothing but its report in .persist-deploy/, which
# `persist-deploy status` reads.
# shellcheck disable=SC1003,SC2016  # The expectations below are data: single quotes keep any
# $( ), backtick or trailing backslash in a path literal, which is the point (data rule 8).
# `sh health-check.sh` would run it with another shell: start again under bash.
if [ -z "${BASH_VERSION:-}" ]; then
  command -v bash >/dev/null 2>&1 && exec bash "$0" "$@"
  printf '%s needs bash, which is not on PATH: run it as  /path/to/bash %s\n' "$0" "$0" >&2
  exit 64
fi
# bash started as sh runs in POSIX mode, where process substitution may be off.
set +o posix
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
# The disk check warns under this share of the file system free.
MIN_FREE_PERCENT=5

json=0
quiet=0
for argument in "$@"; do
  case $argument in
    --json) json=1 ;;
    --quiet) quiet=1 ;;
    -h | --help)
      printf 'Usage: %s [--json] [--quiet]\nChecks the live layout. Exit 0 healthy, 1 warnings, 2 failed.\n--quiet prints only problems (nothing when healthy).\nWritten by persist-deploy %s.\n' "${0##*/}" "$TOOL_VERSION"
      exit 0
      ;;
    *)
      printf 'error: unknown option %s\nUsage: %s [--json] [--quiet]\n' "$argument" "${0##*/}" >&2
      exit 64
      ;;
  esac
done

SHARED=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P) || exit 2
if [[ -n $ROOT_FALLBACK ]]; then ROOT=$ROOT_FALLBACK; else ROOT=$(dirname -- "$SHARED"); fi

names=()
paths=()
statuses=()
messages=()
# Under --quiet the lines of problems, printed at the end only when there are any.
problem_lines=()
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
  if ((!quiet)); then
    say "$label $2 $3: $4"
  elif [[ $1 != pass ]]; then
    problem_lines+=("$label $2 $3: $4")
  fi
}

# say LINE: a line for people (on stderr under --json, so stdout holds the JSON alone).
say() {
  if ((json)); then printf '%s\n' "$1" >&2; else printf '%s\n' "$1"; fi
}

# shell_quote TEXT: TEXT single-quoted for pasting, each ' written as '\'' (as the tool
# quotes), in $REPLY.
shell_quote() {
  local squote="'"
  REPLY="'${1//$squote/$squote\\$squote$squote}'"
}

header="Health of $ROOT ($FRAMEWORK, web root $WEB_ROOT)"
((quiet)) || say "$header"

# resolved PATH: the canonical path of an existing PATH, or nothing.
resolved() {
  readlink -e -- "$1" 2>/dev/null
}

# absolute_link LINK: the warning for a link that works but is absolute; it breaks when the root
# is moved or mounted elsewhere, and recovery rewrites it relative.
absolute_link() {
  printf 'is an absolute link to %s; recover (or emergency-recovery.sh) makes it relative, so the root can move' "$(readlink -- "$1")"
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
      elif [[ $(readlink -- "$link") == /* ]]; then
        record warn link "$path" "$(absolute_link "$link")"
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
    if [[ -L $link && -n $got && $got == "$want" && $(readlink -- "$link") == /* ]]; then
      record warn app-link "$path" "$(absolute_link "$link")"
    elif [[ -L $link && -n $got && $got == "$want" ]]; then
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
  if ((percent < MIN_FREE_PERCENT)); then
    record warn disk shared "$((free_kb / 1024)) MB free ($percent%, under $MIN_FREE_PERCENT%); deploys and uploads may fail"
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

summary="Results: $passed passed, $warned warnings, $failed failed"
if ((!quiet)); then
  say "$summary"
elif ((${#problem_lines[@]} > 0)); then
  say "$header"
  for line in "${problem_lines[@]}"; do say "$line"; done
  say "$summary"
fi

# --- what to do next (the same lines as `persist-deploy health-check`) ---------------------
if ((failed > 0)); then
  shell_quote "$ROOT"
  quoted_root=$REPLY
  shell_quote "$SHARED/emergency-recovery.sh"
  say "Next: persist-deploy recover --root $quoted_root (or, without the tool: bash $REPLY); it loses nothing."
  for ((i = 0; i < ${#names[@]}; i++)); do
    [[ ${names[i]} == shared && ${statuses[i]} == fail && ${messages[i]} == "is missing from shared/" ]] || continue
    shell_quote "${paths[i]}"
    quoted_path=$REPLY
    shell_quote "$ROOT/backups"
    say "Data missing from shared/${paths[i]}: put it back from a backup with persist-deploy restore --root $quoted_root --path $quoted_path (backups are in $REPLY)."
  done
fi

# --- the report, for --json and for `persist-deploy status` --------------------------------
checked=$(date -u +%Y-%m-%dT%H:%M:%SZ)
out="{\"status\":\"$status\",\"passed\":$passed,\"warnings\":$warned,\"failed\":$failed,\"checked\":\"$checked\",\"checks\":["
for ((i = 0; i < ${#names[@]}; i++)); do
  ((i > 0)) && out+=","
  json_string "${names[i]}"
  out+="{\"name\":$REPLY"
  json_string "${paths[i]}"
  out+=",\"path\":$REPLY,\"status\":\"${statuses[i]}\""
  json_string "${messages[i]}"
  out+=",\"message\":$REPLY}"
done
out+="]}"
((json)) && printf '%s\n' "$out"

# Kept where the tool keeps its own (only in a deploy root, which has that folder), written to
# a temporary name and renamed so a reader never sees half a report.
state="$ROOT/.persist-deploy"
if [[ -d $state && ! -L $state ]]; then
  kept="$state/.last-health-check.$$"
  if ! { printf '%s\n' "$out" >"$kept" && mv -f -- "$kept" "$state/last-health-check.json"; } 2>/dev/null; then
    rm -f -- "$kept" 2>/dev/null
    ((quiet)) || printf 'warning: could not keep the report in %s\n' "$state/last-health-check.json" >&2
  fi
fi
exit "$code"
