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
# The user PHP runs as (--web-user/--web-group): access in shared/ is checked for it, not for
# whoever runs this script. Empty: checked for the user running it.
WEB_USER=''
WEB_GROUP=''
# Folders inside persistent folders the app must be able to write (checked for the web user).
WRITABLE=(

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

# --- the web user ------------------------------------------------------------------------
# web_subject: who access is checked for ("" = the user running this); web_user: its name when
# a user was named; web_groups: the groups it is a member of.
web_subject=""
web_user=""
web_groups=()
have_getfacl=0
command -v getfacl >/dev/null 2>&1 && have_getfacl=1
if [[ -n $WEB_USER ]]; then
  if id -u -- "$WEB_USER" >/dev/null 2>&1; then
    web_subject=$WEB_USER
    web_user=$WEB_USER
    read -r -a web_groups < <(id -Gn -- "$WEB_USER")
  else
    record fail web-user "$WEB_USER" "does not exist on this host; access was checked for the user running this check instead"
  fi
elif [[ -n $WEB_GROUP ]]; then
  group_exists=0
  if command -v getent >/dev/null 2>&1; then
    getent group "$WEB_GROUP" >/dev/null 2>&1 && group_exists=1
  else
    while IFS=: read -r name _; do [[ $name == "$WEB_GROUP" ]] && group_exists=1; done </etc/group
  fi
  if ((group_exists)); then
    web_subject="group $WEB_GROUP"
    web_groups=("$WEB_GROUP")
  else
    record fail web-user "$WEB_GROUP" "does not exist on this host; access was checked for the user running this check instead"
  fi
fi

# in_web_groups NAME: whether the web user is a member of group NAME.
in_web_groups() {
  local group
  for group in ${web_groups[@]+"${web_groups[@]}"}; do [[ $group == "$1" ]] && return 0; done
  return 1
}

# may PATH BITS: whether the web user may use PATH (links followed) for BITS (4 read, 2 write,
# 1 search), by its ACL where getfacl reads one (acl(5)'s access check), else by owner, group
# membership and mode bits.
may() {
  local path=$1 want=$2 owner group mode bits tag qualifier perms extended=0 mask=7 owner_bits=0 group_bits=0 other_bits=0 matched=0
  local -A named_users=() named_groups=()
  [[ $web_user == root ]] && return 0
  read -r owner group mode < <(stat -L -c '%U %G %a' -- "$path" 2>/dev/null) || return 1
  mode=$((8#$mode))
  if ((have_getfacl)); then
    while IFS=: read -r tag qualifier perms; do
      bits=0
      [[ ${perms:0:1} == r ]] && bits=$((bits | 4))
      [[ ${perms:1:1} == w ]] && bits=$((bits | 2))
      [[ ${perms:2:1} == x ]] && bits=$((bits | 1))
      case $tag in
        user) if [[ -z $qualifier ]]; then owner_bits=$bits; else named_users[$qualifier]=$bits; extended=1; fi ;;
        group) if [[ -z $qualifier ]]; then group_bits=$bits; else named_groups[$qualifier]=$bits; extended=1; fi ;;
        mask) mask=$bits ;;
        other) other_bits=$bits ;;
      esac
    done < <(getfacl -p -E -- "$path" 2>/dev/null)
  fi
  if ((extended)); then
    if [[ -n $web_user && $owner == "$web_user" ]]; then
      (((owner_bits & want) == want))
      return
    fi
    if [[ -n $web_user && -n ${named_users[$web_user]+set} ]]; then
      (((named_users[$web_user] & mask & want) == want))
      return
    fi
    if in_web_groups "$group"; then
      matched=1
      (((group_bits & mask & want) == want)) && return 0
    fi
    for qualifier in "${!named_groups[@]}"; do
      if in_web_groups "$qualifier"; then
        matched=1
        (((named_groups[$qualifier] & mask & want) == want)) && return 0
      fi
    done
    ((matched)) && return 1
    (((other_bits & want) == want))
    return
  fi
  if [[ -n $web_user && $owner == "$web_user" ]]; then
    bits=$(((mode >> 6) & 7))
  elif in_web_groups "$group"; then
    bits=$(((mode >> 3) & 7))
  else
    bits=$((mode & 7))
  fi
  (((bits & want) == want))
}

# describe PATH: "owner O, group G, mode M" in $REPLY.
describe() {
  local owner group mode uid gid
  read -r owner group mode uid gid < <(stat -L -c '%U %G %a %u %g' -- "$1" 2>/dev/null)
  [[ $owner == UNKNOWN ]] && owner=$uid
  [[ $group == UNKNOWN ]] && group=$gid
  REPLY="owner $owner, group $group, mode $mode"
}

# denial PATH BITS...: why the web user may not use PATH for each of BITS in turn, in $REPLY;
# "" when it may. Every folder on the way must be searchable first.
denial() {
  local path=$1 target rest folder="" bits verb
  shift
  target=$(resolved "$path")
  if [[ -z $target ]]; then
    REPLY="is missing"
    return
  fi
  if ! may / 1; then
    describe /
    REPLY="cannot be reached by $web_subject: no search permission on / ($REPLY)"
    return
  fi
  rest=${target#/}
  while [[ $rest == */* ]]; do
    folder+="/${rest%%/*}"
    rest=${rest#*/}
    if ! may "$folder" 1; then
      describe "$folder"
      REPLY="cannot be reached by $web_subject: no search permission on $folder ($REPLY)"
      return
    fi
  done
  for bits in "$@"; do
    if ! may "$target" "$bits"; then
      case $bits in 4) verb="readable by" ;; 2) verb="writable for" ;; *) verb="searchable by" ;; esac
      describe "$target"
      REPLY="is not $verb $web_subject ($REPLY)"
      return
    fi
  done
  REPLY=""
}

# is_secret PATH: whether PATH is one of SECRETS.
is_secret() {
  local secret
  for secret in ${SECRETS[@]+"${SECRETS[@]}"}; do [[ $secret == "$1" ]] && return 0; done
  return 1
}

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
    if [[ -d $stored && -n $web_subject ]]; then
      denial "$stored" 2 1
      if [[ -n $REPLY ]]; then
        record fail shared "$path" "$REPLY"
      else
        record pass shared "$path" "is a writable directory for $web_subject"
      fi
    elif [[ -d $stored && -w $stored ]]; then
      record pass shared "$path" "is a writable directory"
    elif [[ -d $stored ]]; then
      record fail shared "$path" "is not writable"
    elif [[ -e $stored ]]; then
      record fail shared "$path" "is not a directory"
    else
      record fail shared "$path" "is missing from shared/"
    fi
  elif [[ -f $stored && -n $web_subject ]]; then
    if is_secret "$path"; then
      denial "$stored" 4
      verb="readable by"
    else
      denial "$stored" 4 2
      verb="writable for"
    fi
    if [[ -n $REPLY ]]; then
      record fail shared "$path" "$REPLY"
    else
      record pass shared "$path" "is a file $verb $web_subject"
    fi
  elif [[ -f $stored ]]; then
    record pass shared "$path" "is a file"
  elif [[ -e $stored ]]; then
    record fail shared "$path" "is not a file"
  else
    record fail shared "$path" "is missing from shared/"
  fi
done

if [[ -n $web_subject ]]; then
  for path in ${WRITABLE[@]+"${WRITABLE[@]}"}; do
    stored="$SHARED/$path"
    if [[ ! -d $stored ]]; then
      if [[ -e $stored || -L $stored ]]; then
        record fail shared "$path" "is not a directory"
      else
        record fail shared "$path" "is missing from shared/"
      fi
      continue
    fi
    denial "$stored" 2 1
    if [[ -n $REPLY ]]; then
      record fail shared "$path" "$REPLY"
    else
      record pass shared "$path" "is a writable directory for $web_subject"
    fi
  done
fi

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

  # A link owned by another user than what it points at: Apache's SymLinksIfOwnerMatch (and
  # nginx's disable_symlinks if_not_owner) answer 403 for it.
  link_owner() {
    [[ -L $1 && -e $1 ]] || return 0
    local own target
    read -r own < <(stat -c '%u' -- "$1")
    read -r target < <(stat -L -c '%u' -- "$1")
    [[ $own == "$target" ]] && return 0
    read -r own < <(stat -c '%U' -- "$1")
    [[ $own == UNKNOWN ]] && read -r own < <(stat -c '%u' -- "$1")
    read -r target < <(stat -L -c '%U' -- "$1")
    [[ $target == UNKNOWN ]] && read -r target < <(stat -L -c '%u' -- "$1")
    record warn link-owner "$2" "is a link owned by $own to what $target owns: Apache's SymLinksIfOwnerMatch and nginx's disable_symlinks if_not_owner refuse it; run: chown -h $target $1"
  }
  link_owner "$ROOT/current" current
  for ((i = 0; i < ${#PERSISTENT[@]}; i += 3)); do link_owner "$live/${PERSISTENT[i]}" "${PERSISTENT[i]}"; done
  for ((i = 0; i < ${#APP_LINKS[@]}; i += 3)); do link_owner "$live/${APP_LINKS[i]}" "${APP_LINKS[i]}"; done

  # What production must not serve from the web root.
  if [[ $WEB_ROOT == . ]]; then
    web_root_dir=$live
    prefix=""
  else
    web_root_dir=$live/$WEB_ROOT
    prefix=$WEB_ROOT/
  fi
  for entry in "$web_root_dir"/.env "$web_root_dir"/.env.* "$web_root_dir"/.git "$web_root_dir"/hot; do
    [[ -e $entry || -L $entry ]] || continue
    name=${entry##*/}
    case $name in
      hot)
        [[ -d $entry && ! -L $entry ]] && continue
        record warn hygiene "$prefix$name" 'is Vite'"'"'s dev-server marker (left by `npm run dev`): every page would load its scripts and styles from a developer'"'"'s machine; delete it and build with `npm run build`'
        ;;
      .git)
        record warn hygiene "$prefix$name" 'is a git repository inside the web root: the web server may serve the code and its history (/.git/config); keep .git out of the release or deny it in the web server'
        ;;
      .env.example | .env.sample | .env.dist) ;;
      *)
        record warn hygiene "$prefix$name" 'is inside the web root: the web server may serve it, secrets and all; keep it outside the web root or deny /.env* in the web server'
        ;;
    esac
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
