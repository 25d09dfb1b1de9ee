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
# shellcheck disable=SC1003,SC2016,SC2317  # The expectations below are data: single quotes keep any
# $( ), backtick or trailing backslash in a path literal, which is the point (data rule 8); the
# drift functions are shared with deploy.sh, which calls some this script does not.
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
# Persistent paths: path, kind (dir|file|app-file: a config file the app's installer writes|
# optional-file: one the app reads only when present), link text from the release.
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
# The folder the host serves ('' when none) and the persistent paths in the web root: name
# there, path in shared/, kind, link text from there.
SERVED=''
SERVED_FOLDERS=(

)
# The user PHP runs as (--web-user/--web-group): access in shared/ is checked for it, not for
# whoever runs this script. Empty: checked for the user running it.
WEB_USER=''
WEB_GROUP=''
# Folders inside persistent folders the app must be able to write (checked for the web user).
WRITABLE=(

)
# Paths whose run-time files may be dropped with the release (caches): not drift.
DISPOSABLE=(

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

# --- the web user ------------------------------------------------------------------------
# web_subject: who access is checked for ("" = the user running this); web_user: its name when
# a user was named; web_groups: the groups it is a member of; web_group: the group a deploy
# gives shared/ to and web_acl the setfacl entry for it, for the fixes the messages give.
web_subject=""
web_user=""
web_groups=()
web_group=""
web_acl=""
have_getfacl=0
command -v getfacl >/dev/null 2>&1 && have_getfacl=1
if [[ -n $WEB_USER ]]; then
  if id -u -- "$WEB_USER" >/dev/null 2>&1; then
    web_subject=$WEB_USER
    web_user=$WEB_USER
    read -r -a web_groups < <(id -Gn -- "$WEB_USER")
    web_group=${WEB_GROUP:-$(id -gn -- "$WEB_USER")}
    web_acl="u:$WEB_USER"
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
    web_group=$WEB_GROUP
    web_acl="g:$WEB_GROUP"
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
# Each ends with the command that gives the access (what a deploy with --web-user does).
denial() {
  local path=$1 target rest folder="/" bits verb mode="g+r" quoted
  shift
  target=$(resolved "$path")
  if [[ -z $target ]]; then
    REPLY="is missing"
    return
  fi
  rest=${target#/}
  while :; do
    if ! may "$folder" 1; then
      shell_quote "$folder"
      quoted=$REPLY
      describe "$folder"
      REPLY="cannot be reached by $web_subject: no search permission on $folder ($REPLY); run: chmod o+x $quoted (or, for it alone: setfacl -m $web_acl:x $quoted)"
      return
    fi
    [[ $rest == */* ]] || break
    [[ $folder == / ]] && folder=""
    folder+="/${rest%%/*}"
    rest=${rest#*/}
  done
  for bits in "$@"; do [[ $bits == 2 ]] && mode="g+rw"; done
  [[ $mode == g+rw && -d $target ]] && mode="g+rwxs"
  for bits in "$@"; do
    if ! may "$target" "$bits"; then
      case $bits in 4) verb="readable by" ;; 2) verb="writable for" ;; *) verb="searchable by" ;; esac
      shell_quote "$target"
      quoted=$REPLY
      describe "$target"
      REPLY="is not $verb $web_subject ($REPLY); run: chgrp $web_group $quoted && chmod $mode $quoted"
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
  text=${PERSISTENT[i + 2]}
  if [[ -n $live ]]; then
    link="$live/$path"
    if [[ -L $link ]]; then
      got=$(resolved "$link")
      want=$(resolved "$SHARED/$path")
      if [[ -z $got && $kind == *-file && ! -e $SHARED/$path && ! -L $SHARED/$path && $(readlink -- "$link") == "$text" ]]; then
        record pass link "$path" "links to shared/$path (not created yet)"
      elif [[ -z $got ]]; then
        record fail link "$path" "is a dangling link to $(readlink -- "$link")"
      elif [[ $got != "$want" ]]; then
        record fail link "$path" "points at $got, not at shared/$path"
      elif [[ $kind == dir && ! -d $got ]]; then
        record fail link "$path" "resolves to something that is not a directory"
      elif [[ $kind != dir && ! -f $got ]]; then
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
      record fail shared "$path" "is not writable (mode $(stat -L -c %a -- "$stored" 2>/dev/null), owner $(stat -L -c %U -- "$stored" 2>/dev/null)); check the owner and mode, an immutable flag (lsattr -d) or a read-only mount"
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
  elif [[ $kind == optional-file ]]; then
    record pass shared "$path" "is not created: the app reads it only when present"
  elif [[ $kind == app-file ]]; then
    record warn shared "$path" "is not created yet: the app's installer writes it through the link"
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
        # An empty file holds no secret to serve, nor does a link to one not written yet.
        [[ -e $entry ]] || continue
        [[ -f $entry && ! -s $entry ]] && continue
        record warn hygiene "$prefix$name" 'is inside the web root: the web server may serve it, secrets and all; keep it outside the web root or deny /.env* in the web server'
        ;;
    esac
  done
fi

# ---- drift: what the running app wrote into a release outside shared/ (data rule 4) ----------
# Shared by health-check.sh and deploy.sh, in the binary's words (DriftScan and DriftReport).
# A release's manifest (.persist-deploy/manifests/ID.tree) holds NUL-ended records: the header
# `persist-deploy-tree 1`, `disposable PATH` records, then `TYPE SIZE MTIME DIGEST PATH` where TYPE
# is d, f, l or o, SIZE is bytes (- for a folder), MTIME is SECONDS.NANOSECONDS (- for a folder)
# and DIGEST a SHA-256 for a file written within two seconds of the recording (else -).

# Files that are data, not code: a shipped folder holding only these may be kept whole.
DRIFT_DATA_EXTENSIONS=' jpg jpeg png gif webp avif svg ico bmp tif tiff heic pdf doc docx xls xlsx ppt pptx odt ods csv txt zip gz rar 7z mp3 mp4 m4a wav ogg webm mov avi mkv '
DRIFT_PLACEHOLDERS=' .gitkeep .keep .gitignore .empty .placeholder '
# Files that only keep a folder from being listed (empty, as OpenCart ships them) or served.
DRIFT_LISTING_GUARDS=' index.html index.htm index.php _dummy '
DRIFT_SERVER_RULES=' .htaccess web.config '

# drift_reset: forgets the baseline, the paths passed over and the last scan.
drift_reset() {
  declare -gA drift_type=() drift_size=() drift_time=() drift_digest=() drift_skip=() drift_code=()
  declare -gA drift_group_change=() drift_group_files=() drift_group_bytes=()
  DRIFT_HAS_MANIFEST=0
  DRIFT_GROUPS=() DRIFT_TOPS=() DRIFT_CHANGED=()
}

# drift_pass_over PATH...: the scans pass over these paths and everything below them.
drift_pass_over() {
  local path
  for path in "$@"; do drift_skip[$path]=1; done
}

# drift_skipped PATH: true when PATH or a folder above it is passed over.
drift_skipped() {
  local path=$1
  while :; do
    [[ -n ${drift_skip[$path]+set} ]] && return 0
    [[ $path == */* ]] || return 1
    path=${path%/*}
  done
}

# drift_is_data_like PATH: true for a file that is data (an image, a document) or a placeholder.
drift_is_data_like() {
  local name=${1##*/} extension=""
  [[ $DRIFT_PLACEHOLDERS == *" $name "* ]] && return 0
  [[ $name == ?*.* ]] && extension=${name##*.}
  extension=${extension,,}
  [[ -n $extension && $DRIFT_DATA_EXTENSIONS == *" $extension "* ]]
}

# drift_is_listing_guard PATH SIZE: true for a shipped file of SIZE bytes that says nothing about
# what its folder holds: an empty index page, or the folder's server rules.
drift_is_listing_guard() {
  local name=${1##*/}
  [[ $DRIFT_SERVER_RULES == *" $name "* ]] && return 0
  [[ $2 == 0 && $DRIFT_LISTING_GUARDS == *" $name "* ]]
}

# drift_walk DIR [all]: DRIFT_ITEMS and DRIFT_KINDS (d, f, l or o) = every entry below DIR, parents
# first, never entering a link; passed-over paths are left out unless `all` is given.
drift_walk() {
  DRIFT_ITEMS=() DRIFT_KINDS=()
  local restore=()
  [[ :$BASHOPTS: == *:dotglob:* ]] || restore+=(dotglob)
  [[ :$BASHOPTS: == *:nullglob:* ]] || restore+=(nullglob)
  shopt -s dotglob nullglob
  drift_walk_folder "$1" "" "${2:-}"
  ((${#restore[@]} == 0)) || shopt -u "${restore[@]}"
}
drift_walk_folder() {
  local entry relative
  for entry in "$1"/*; do
    relative=$2${entry##*/}
    [[ $3 != all ]] && drift_skipped "$relative" && continue
    if [[ -L $entry ]]; then DRIFT_KINDS+=(l)
    elif [[ -d $entry ]]; then DRIFT_KINDS+=(d)
    elif [[ -f $entry ]]; then DRIFT_KINDS+=(f)
    else DRIFT_KINDS+=(o)
    fi
    DRIFT_ITEMS+=("$relative")
    [[ ${DRIFT_KINDS[-1]} == d ]] && drift_walk_folder "$entry" "$relative/" "$3"
  done
}

# drift_stat DIR: drift_now_size and drift_now_time (SECONDS.NANOSECONDS) for every walked entry
# that is not a folder, read in batches (one stat per entry would cost a process each). The
# nanoseconds come from %y, which every coreutils prints with them.
drift_stat() {
  declare -gA drift_now_size=() drift_now_time=()
  local i line size seconds clock fraction stat_paths=()
  for ((i = 0; i < ${#DRIFT_ITEMS[@]}; i++)); do
    [[ ${DRIFT_KINDS[i]} != d ]] && stat_paths+=("${DRIFT_ITEMS[i]}")
  done
  for ((i = 0; i < ${#stat_paths[@]}; i += 1000)); do
    while IFS= read -r -d '' line; do
      size=${line%% *} line=${line#* }
      seconds=${line%% *} line=${line#* }
      line=${line#* }
      clock=${line%% *} line=${line#* }
      fraction=000000000
      [[ $clock == *.* ]] && fraction="${clock#*.}000000000" && fraction=${fraction:0:9}
      line=${line#* }
      drift_now_size[$line]=$size
      drift_now_time[$line]="$seconds.$fraction"
    done < <(cd -- "$1" && stat --printf '%s %Y %y %n\0' -- "${stat_paths[@]:i:1000}" 2>/dev/null)
  done
}

# drift_load_manifest FILE: the baseline is the manifest FILE; false when it is not one.
drift_load_manifest() {
  local line type rest size mtime digest path first=1
  while IFS= read -r -d '' line; do
    if ((first)); then
      first=0
      [[ $line == 'persist-deploy-tree 1' ]] || return 1
      continue
    fi
    if [[ $line == 'disposable '* ]]; then
      drift_skip[${line#disposable }]=1
      continue
    fi
    type=${line%% *} rest=${line#* }
    size=${rest%% *} rest=${rest#* }
    mtime=${rest%% *} rest=${rest#* }
    digest=${rest%% *} path=${rest#* }
    [[ $type == [dflo] && -n $path ]] || return 1
    drift_type[$path]=$type drift_size[$path]=$size drift_time[$path]=$mtime drift_digest[$path]=$digest
    if [[ $type != d ]] && ! drift_is_data_like "$path" && ! { [[ $type == f ]] && drift_is_listing_guard "$path" "$size"; }; then
      while [[ $path == */* ]]; do
        path=${path%/*}
        [[ -n ${drift_code[$path]+set} ]] && break
        drift_code[$path]=1
      done
    fi
  done <"$1"
  ((!first)) || return 1
  DRIFT_HAS_MANIFEST=1
}

# drift_load_release DIR: the baseline is another release (one with no manifest is compared with
# the release replacing it: what only it holds is the app's data).
drift_load_release() {
  local i
  [[ -d $1 ]] || return 0
  drift_walk "$1" all
  for ((i = 0; i < ${#DRIFT_ITEMS[@]}; i++)); do drift_type[${DRIFT_ITEMS[i]}]=${DRIFT_KINDS[i]}; done
}

# drift_record RELEASE FILE DISPOSABLE...: writes RELEASE's manifest to FILE through a temporary
# file and a rename.
drift_record() {
  local release=$1 file=$2 i path kind digest now temporary
  shift 2
  now=$(date +%s%N)
  drift_walk "$release" all
  drift_stat "$release"
  temporary="$(dirname -- "$file")/.${file##*/}.persist-deploy-tmp"
  {
    printf '%s\0' 'persist-deploy-tree 1'
    for path in "$@"; do printf 'disposable %s\0' "$path"; done
    for ((i = 0; i < ${#DRIFT_ITEMS[@]}; i++)); do
      path=${DRIFT_ITEMS[i]} kind=${DRIFT_KINDS[i]}
      if [[ $kind == d ]]; then
        printf 'd - - - %s\0' "$path"
        continue
      fi
      digest=-
      local time=${drift_now_time[$path]:-0.000000000}
      if [[ $kind == f ]] && ((10#${time%.*}${time#*.} > now - 2000000000)); then
        # Read from stdin: given a name holding a backslash or a newline, sha256sum escapes it and
        # starts its line with '\', which the digest would keep.
        digest=$(sha256sum <"$release/$path") && digest=${digest%% *}
      fi
      printf '%s %s %s %s %s\0' "$kind" "${drift_now_size[$path]:-0}" "$time" "$digest" "$path"
    done
  } >"$temporary" && mv -f -T -- "$temporary" "$file"
}

# drift_scan RELEASE WEB_ROOT PERSISTENT...: compares RELEASE with the baseline and groups what
# differs: DRIFT_GROUPS (sorted paths), drift_group_change (new-dir, new-file, grown or changed),
# drift_group_files and drift_group_bytes; DRIFT_TOPS (new entries whose folder was shipped, to
# move aside) and DRIFT_CHANGED (shipped files changed in place).
drift_scan() {
  local release=$1 web_root=${2%/} i path type shipped parent digest
  shift 2
  local persistent=("$@")
  drift_walk "$release"
  drift_stat "$release"
  local -A added=() top_of=() top_files=() top_bytes=() kind_of=()
  DRIFT_TOPS=() DRIFT_CHANGED=() DRIFT_GROUPS=()
  for ((i = 0; i < ${#DRIFT_ITEMS[@]}; i++)); do
    path=${DRIFT_ITEMS[i]} type=${DRIFT_KINDS[i]}
    kind_of[$path]=$type
    shipped=${drift_type[$path]-}
    if ((!DRIFT_HAS_MANIFEST)); then
      [[ $shipped == "$type" ]] && continue
    elif [[ -n $shipped ]] && { [[ $shipped == d && $type == d ]] || [[ $shipped != d && $type != d ]]; }; then
      if [[ $type == d ]]; then
        continue
      elif [[ $type != "$shipped" ]]; then
        DRIFT_CHANGED+=("$path")
      elif [[ $type == l ]]; then
        [[ ${drift_now_size[$path]-} != "${drift_size[$path]}" ]] && DRIFT_CHANGED+=("$path")
      elif [[ ${drift_now_size[$path]-} != "${drift_size[$path]}" || ${drift_now_time[$path]-} != "${drift_time[$path]}" ]]; then
        DRIFT_CHANGED+=("$path")
      elif [[ ${drift_digest[$path]} != - ]]; then
        digest=$(sha256sum <"$release/$path" 2>/dev/null)
        [[ ${digest%% *} != "${drift_digest[$path]}" ]] && DRIFT_CHANGED+=("$path")
      fi
      continue
    fi
    added[$path]=1
    parent=.
    [[ $path == */* ]] && parent=${path%/*}
    if [[ $parent != . && -n ${added[$parent]+set} ]]; then
      top_of[$path]=${top_of[$parent]}
    else
      top_of[$path]=$path
      DRIFT_TOPS+=("$path")
    fi
    if [[ $type != d ]]; then
      top_files[${top_of[$path]}]=$((${top_files[${top_of[$path]}]:-0} + 1))
      [[ $type == f ]] && top_bytes[${top_of[$path]}]=$((${top_bytes[${top_of[$path]}]:-0} + ${drift_now_size[$path]:-0}))
    fi
  done
  for path in ${DRIFT_CHANGED[@]+"${DRIFT_CHANGED[@]}"}; do
    top_files[$path]=1 top_bytes[$path]=0
    [[ ${kind_of[$path]} == f ]] && top_bytes[$path]=${drift_now_size[$path]:-0}
  done

  # A folder holding new or changed files is kept whole when it ships no code (only with a
  # manifest, which tells what it shipped), the outermost such folder winning.
  local -A candidate=() grown=()
  local ordered=() folder keep line
  if ((DRIFT_HAS_MANIFEST)); then
    for path in ${DRIFT_TOPS[@]+"${DRIFT_TOPS[@]}"} ${DRIFT_CHANGED[@]+"${DRIFT_CHANGED[@]}"}; do
      [[ ${kind_of[$path]} == d && -n ${added[$path]+set} ]] && continue
      [[ $path == */* ]] && candidate[${path%/*}]=1
    done
  fi
  for path in "${!candidate[@]}"; do
    line=${path//[!\/]/}
    ordered+=("${#line} $path")
  done
  while IFS= read -r -d '' line; do
    folder=${line#* }
    [[ $folder == "$web_root" || -n ${drift_code[$folder]+set} ]] && continue
    keep=1
    for path in ${persistent[@]+"${persistent[@]}"}; do
      [[ $path == "$folder" || $path == "$folder"/* || $folder == "$path"/* ]] && keep=0
    done
    path=$folder
    while [[ $path == */* ]]; do
      path=${path%/*}
      [[ -n ${grown[$path]+set} ]] && keep=0
    done
    ((keep)) && grown[$folder]=1
  done < <(if ((${#ordered[@]} > 0)); then printf '%s\0' "${ordered[@]}" | sort -z -n -s; fi)

  local above
  for path in ${DRIFT_TOPS[@]+"${DRIFT_TOPS[@]}"} ${DRIFT_CHANGED[@]+"${DRIFT_CHANGED[@]}"}; do
    above=$path
    while [[ $above == */* ]]; do
      above=${above%/*}
      [[ -n ${grown[$above]+set} ]] && break
    done
    if [[ -n ${grown[$above]+set} && $above != "$path" ]]; then
      drift_group_change[$above]=grown
      drift_group_files[$above]=$((${drift_group_files[$above]:-0} + ${top_files[$path]:-0}))
      drift_group_bytes[$above]=$((${drift_group_bytes[$above]:-0} + ${top_bytes[$path]:-0}))
    elif [[ -z ${added[$path]+set} ]]; then
      drift_group_change[$path]=changed drift_group_files[$path]=1 drift_group_bytes[$path]=${top_bytes[$path]:-0}
    else
      drift_group_change[$path]=new-file
      [[ ${kind_of[$path]} == d ]] && drift_group_change[$path]=new-dir
      drift_group_files[$path]=${top_files[$path]:-0} drift_group_bytes[$path]=${top_bytes[$path]:-0}
    fi
  done
  for path in "${!grown[@]}"; do
    drift_group_change[$path]=grown
    drift_group_files[$path]=${drift_group_files[$path]:-0}
    drift_group_bytes[$path]=${drift_group_bytes[$path]:-0}
  done
  if ((${#drift_group_change[@]} > 0)); then
    while IFS= read -r -d '' path; do DRIFT_GROUPS+=("$path"); done < <(printf '%s\0' "${!drift_group_change[@]}" | sort -z)
  fi
}

# drift_describe PATH: REPLY = what a group is, in the binary's words.
drift_describe() {
  local count=${drift_group_files[$1]:-0} size=${drift_group_bytes[$1]:-0} noun='files'
  ((count == 1)) && noun='file'
  case ${drift_group_change[$1]} in
    changed) REPLY="shipped file changed in place, $size bytes" ;;
    grown) REPLY="shipped folder with $count new $noun, $size bytes" ;;
    new-dir) REPLY="new folder, $count $noun, $size bytes" ;;
    *) REPLY="new file, $size bytes" ;;
  esac
}


# --- what the running app wrote into the live release -------------------------------------
# Whatever the live release holds beyond the manifest recorded when it went live, or a shipped
# file changed since, would stop the next deploy: it is reported here first.
drift_check() {
  local live=$1 id=${1##*/} manifest i persistent=()
  manifest="$ROOT/.persist-deploy/manifests/$id.tree"
  if [[ ! -f $manifest ]]; then
    record pass drift current "releases/$id has no manifest of what it shipped; the next deploy compares it with the new release"
    return
  fi
  drift_reset
  for ((i = 0; i < ${#PERSISTENT[@]}; i += 3)); do
    persistent+=("${PERSISTENT[i]}")
    drift_pass_over "${PERSISTENT[i]}"
  done
  for ((i = 0; i < ${#APP_LINKS[@]}; i += 3)); do drift_pass_over "${APP_LINKS[i]}"; done
  drift_pass_over ${DISPOSABLE[@]+"${DISPOSABLE[@]}"}
  if ! drift_load_manifest "$manifest"; then
    record warn drift current "the manifest of releases/$id cannot be read; the next deploy compares the release with the new one"
    return
  fi
  drift_scan "$live" "$WEB_ROOT" ${persistent[@]+"${persistent[@]}"}
  if ((${#DRIFT_GROUPS[@]} == 0)); then
    record pass drift current "releases/$id holds only what it shipped"
    return
  fi
  local path
  for path in "${DRIFT_GROUPS[@]}"; do
    drift_describe "$path"
    record warn drift "$path" "$REPLY: the next deploy would stop for it; classify it in persist-deploy.json ('persist-deploy plan' prints the entry)"
  done
}
[[ -n $live ]] && drift_check "$live"

# --- the served folder (--public-html) ---------------------------------------------------
# A link is link mode; a real folder (or a missing one after a sync) is sync mode, where each
# persistent folder is a link into shared/ or, where links are refused, holds the files itself.
if [[ -n $SERVED ]]; then
  if [[ $WEB_ROOT == . ]]; then web="$ROOT/current"; else web="$ROOT/current/$WEB_ROOT"; fi
  synced=""
  [[ -f $ROOT/.persist-deploy/public-html/last ]] && IFS= read -r synced <"$ROOT/.persist-deploy/public-html/last"
  if [[ -L $SERVED ]]; then
    got=$(resolved "$SERVED")
    if [[ -z $got ]]; then
      record fail served "$SERVED" "is a dangling link to $(readlink -- "$SERVED")"
    elif [[ $got != "$(resolved "$web")" ]]; then
      record fail served "$SERVED" "points at $got, not at current/$WEB_ROOT"
    else
      record pass served "$SERVED" "links to current/$WEB_ROOT"
    fi
  elif [[ -d $SERVED ]]; then
    if [[ -z $synced ]]; then
      record warn served "$SERVED" "is a real folder that no deploy synced; deploy with --public-html and --sync"
    elif [[ -n $live && $synced != "${live##*/}" ]]; then
      record warn served "$SERVED" "shows releases/$synced, but current is releases/${live##*/}; run emergency-recovery.sh"
    else
      record pass served "$SERVED" "is a real folder synced from releases/$synced"
    fi
    for ((i = 0; i < ${#SERVED_FOLDERS[@]}; i += 4)); do
      [[ ${SERVED_FOLDERS[i + 2]} == dir ]] || continue
      place="$SERVED/${SERVED_FOLDERS[i]}"
      stored="$SHARED/${SERVED_FOLDERS[i + 1]}"
      if [[ -L $stored && ! -L $place && $(readlink -m -- "$stored") == "$(readlink -m -- "$place")" ]]; then
        if [[ -d $place && -w $place ]]; then
          record pass served-data "${SERVED_FOLDERS[i]}" "holds the files of ${SERVED_FOLDERS[i + 1]}"
        elif [[ -d $place ]]; then
          record fail served-data "${SERVED_FOLDERS[i]}" "is not writable"
        else
          record fail served-data "${SERVED_FOLDERS[i]}" "is missing; it held the files of ${SERVED_FOLDERS[i + 1]}"
        fi
      elif [[ -L $place ]]; then
        got=$(resolved "$place")
        if [[ -n $got && $got == "$(resolved "$stored")" ]]; then
          record pass served-link "${SERVED_FOLDERS[i]}" "links to shared/${SERVED_FOLDERS[i + 1]}"
        else
          record fail served-link "${SERVED_FOLDERS[i]}" "does not resolve to shared/${SERVED_FOLDERS[i + 1]}"
        fi
      elif [[ -d $place ]]; then
        record warn served-link "${SERVED_FOLDERS[i]}" "is a real folder, not a link to shared/${SERVED_FOLDERS[i + 1]}; deploy again to merge it"
      else
        record fail served-link "${SERVED_FOLDERS[i]}" "is missing, so the files in shared/${SERVED_FOLDERS[i + 1]} are not served"
      fi
    done
    if [[ $FRAMEWORK == laravel ]]; then
      if [[ -f $SERVED/index.php ]]; then
        record pass served-index index.php "loads the live release"
      else
        record fail served-index index.php "is missing from the served folder"
      fi
    fi
    if [[ -f $SERVED/index.html && -e $web/index.php && ! -e $web/index.html ]]; then
      record warn served-index index.html "is not part of the release and is served before index.php; deploy with --move-index-aside"
    fi
  elif [[ -e $SERVED ]]; then
    record fail served "$SERVED" "is not a folder or a link"
  else
    record fail served "$SERVED" "is missing"
  fi
fi

# --- what the app changed in the synced served folder ------------------------------------
# In sync mode the app runs from the served folder: what it changed there since the last sync
# (.persist-deploy/public-html/ID.tree) would stop the next deploy, as in the live release.
served_drift_check() {
  local manifest="$ROOT/.persist-deploy/public-html/$1.tree" i path prefix="" served_kept=()
  [[ -f $manifest ]] || return 0
  [[ $WEB_ROOT != . ]] && prefix="$WEB_ROOT/"
  drift_reset
  for ((i = 0; i < ${#SERVED_FOLDERS[@]}; i += 4)); do
    served_kept+=("${SERVED_FOLDERS[i]}")
    drift_pass_over "${SERVED_FOLDERS[i]}"
  done
  for path in ${DISPOSABLE[@]+"${DISPOSABLE[@]}"}; do
    if [[ -z $prefix ]]; then drift_pass_over "$path"; elif [[ $path == "$prefix"* ]]; then drift_pass_over "${path#"$prefix"}"; fi
  done
  if ! drift_load_manifest "$manifest"; then
    record warn served-drift "$SERVED" "the record of the last sync cannot be read"
    return 0
  fi
  drift_scan "$SERVED" . ${served_kept[@]+"${served_kept[@]}"}
  local removed=()
  for path in "${!drift_type[@]}"; do
    [[ ${drift_type[$path]} != d ]] && ! drift_skipped "$path" && [[ ! -e $SERVED/$path && ! -L $SERVED/$path ]] && removed+=("$path")
  done
  if ((${#DRIFT_GROUPS[@]} == 0 && ${#removed[@]} == 0)); then
    record pass served-drift "$SERVED" "holds what the sync of releases/$1 wrote"
    return 0
  fi
  for path in ${DRIFT_GROUPS[@]+"${DRIFT_GROUPS[@]}"}; do
    drift_describe "$path"
    record warn served-drift "$prefix$path" "$REPLY: the next deploy would stop for it; classify it in persist-deploy.json ('persist-deploy plan' prints the entry)"
  done
  while IFS= read -r -d '' path; do
    record warn served-drift "$prefix$path" "shipped file removed from the served folder: the next deploy would stop for it (the sync would put it back)"
  done < <(((${#removed[@]})) && printf '%s\0' "${removed[@]}" | LC_ALL=C sort -z)
}
if [[ -n $SERVED && -d $SERVED && ! -L $SERVED && -n ${synced:-} && ( -z $live || $synced == "${live##*/}" ) ]]; then
  served_drift_check "$synced"
fi

# --- secrets -----------------------------------------------------------------------------
for path in ${SECRETS[@]+"${SECRETS[@]}"}; do
  secret="$SHARED/$path"
  [[ -f $secret ]] || continue
  mode=$(stat -L -c %a -- "$secret")
  if (((8#$mode & 8#007) != 0)); then
    shell_quote "$(resolved "$secret")"
    record warn secret-mode "$path" "mode $mode lets every user read it; run: chmod o-rwx $REPLY"
  else
    record pass secret-mode "$path" "mode $mode"
  fi
done

# --- leftovers of interrupted commands ---------------------------------------------------
# The tool's own names in the places it writes, as `persist-deploy health-check` finds them
# (a deploy removes them): temporary names whose process is gone, releases being staged or
# removed, an adoption's link, partial copies into shared/, links being replaced.
shopt -s nullglob dotglob
declare -A leftover_what=()

# temporary_what NAME: what a temporary name of the tool is, in REPLY (empty when it is not one
# or its process still runs).
temporary_what() {
  local pid=""
  REPLY=""
  if [[ $1 =~ ^\.current\.tmp-([0-9]{1,10})$ ]]; then
    pid=${BASH_REMATCH[1]}
  elif [[ $1 =~ ^\.persist-deploy-link\.([0-9]{1,10})$ ]]; then
    pid=${BASH_REMATCH[1]}
  elif [[ $1 =~ ^\.persist-deploy-([0-9]{1,10})-[0-9]{1,10}\.tmp$ ]]; then
    pid=${BASH_REMATCH[1]}
  fi
  if [[ -n $pid && ! -e /proc/$pid ]]; then REPLY="a temporary name of process $pid, which is gone"; fi
}

# scan_place DIRECTORY LABEL SUFFIX NAMES...: temporary names in DIRECTORY, and .NAME.SUFFIX for
# each NAME given (a .link-tmp must be a link).
scan_place() {
  local directory=$1 label=$2 suffix=$3 entry name wanted
  shift 3
  for entry in "$directory"/.*; do
    name=${entry##*/}
    [[ $name == . || $name == .. ]] && continue
    REPLY=""
    for wanted in "$@"; do
      if [[ $name == ".$wanted.$suffix" ]]; then
        if [[ $suffix == seeding ]]; then
          REPLY="a partial copy into shared/; the data is still where it was copied from"
        elif [[ -L $entry ]]; then
          REPLY="a link being replaced"
        fi
        break
      fi
    done
    [[ -n $REPLY ]] || temporary_what "$name"
    [[ -n $REPLY ]] && leftover_what["${label:+$label/}$name"]=$REPLY
  done
}

# names_in PLACE PATH...: the basenames of the PATHs whose folder is PLACE, in matched.
names_in() {
  local place=$1 path
  shift
  matched=()
  for path in "$@"; do
    [[ $(dirname -- "$path") == "$place" ]] && matched+=("${path##*/}")
  done
}

release_id='^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}(-([2-9]|[1-9][0-9]+))?$'

# --- an adoption a deploy was killed in ------------------------------------------------------
# A deploy moving a path of the live release into shared/ writes .persist-deploy/adoption-journal
# first and removes it once the path is linked; the record names the path only at the deploy's
# end, so no check above sees it. Fields end with a NUL each (a name may hold any other byte): a
# tag, the release id, the path, the link text. Read as data, never evaluated.

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

# adoption_stage: how far the journal's adoption got, in REPLY (nothing-moved, unlinked, copied,
# aside, linked or unknown), as `persist-deploy` tells it.
adoption_stage() {
  local live="$ROOT/releases/$adoption_release/$adoption_path" stored="$SHARED/$adoption_path" aside text
  aside="$(dirname -- "$live")/.persist-deploy-adopting"
  local stored_there=0 aside_copy=0
  [[ -e $stored || -L $stored ]] && stored_there=1
  [[ -e $aside && ! -L $aside ]] && aside_copy=1
  if [[ -L $live ]]; then
    text=$(readlink -- "$live"; printf x)
    text=${text%x}
    text=${text%$'\n'}
    if [[ $text != "$adoption_text" ]] || ((!stored_there)); then
      REPLY=unknown
    elif ((aside_copy)); then
      REPLY=aside
    else
      REPLY=linked
    fi
  elif [[ ! -e $live ]]; then
    if ((stored_there)); then REPLY=unlinked; else REPLY=unknown; fi
  elif ((stored_there)); then
    REPLY=copied
  else
    REPLY=nothing-moved
  fi
}

adoption_check() {
  local journal="$ROOT/.persist-deploy/adoption-journal" finish="run persist-deploy recover or rerun the deploy" shown
  [[ -e $journal || -L $journal ]] || return 0
  if ! read_adoption_journal "$journal"; then
    record fail adoption .persist-deploy/adoption-journal "cannot be read: a deploy adopting a path into shared/ was interrupted; check the live release's links against shared/, then remove it"
    return 0
  fi
  shown="releases/$adoption_release/$adoption_path"
  adoption_stage
  case $REPLY in
    nothing-moved) record warn adoption "$adoption_path" "a deploy was killed before it moved $shown into shared/ (the site still has all of it); $finish" ;;
    unlinked) record fail adoption "$adoption_path" "data moved into shared/$adoption_path but not linked at $shown; $finish" ;;
    copied) record fail adoption "$adoption_path" "data copied into shared/$adoption_path but not linked at $shown, which still serves the old copy; $finish" ;;
    aside) record fail adoption "$adoption_path" "linked to shared/$adoption_path, but the old copy set aside beside $shown is not merged into it yet; $finish" ;;
    linked) record warn adoption "$adoption_path" "linked to shared/$adoption_path by a deploy that was killed before it recorded it; $finish" ;;
    *) record fail adoption "$adoption_path" "a deploy adopting it was killed, and neither $shown nor shared/$adoption_path is as it left them; look for the data (a disk not mounted?)" ;;
  esac
}
adoption_check
scan_place "$ROOT" "" none
scan_place "$ROOT/.persist-deploy" .persist-deploy none
scan_place "$ROOT/.persist-deploy/manifests" .persist-deploy/manifests none
for entry in "$ROOT"/releases/*; do
  name=${entry##*/}
  if [[ $name == .staging-* ]]; then
    leftover_what["releases/$name"]="a release being unpacked or copied in"
  elif [[ $name == .removing-* ]]; then
    leftover_what["releases/$name"]="an old release being removed"
  elif [[ $name =~ $release_id && -L $entry && $(readlink -- "$entry") == "releases/$name" ]]; then
    leftover_what["releases/$name"]="the link of an adoption stopped before its swap"
  fi
done
persistent_paths=()
for ((i = 0; i < ${#PERSISTENT[@]}; i += 3)); do persistent_paths+=("${PERSISTENT[i]}"); done
linked_paths=("${persistent_paths[@]}")
for ((i = 0; i < ${#APP_LINKS[@]}; i += 3)); do linked_paths+=("${APP_LINKS[i]}"); done
declare -A places=([.]=1)
for path in ${linked_paths[@]+"${linked_paths[@]}"}; do places[$(dirname -- "$path")]=1; done
for place in "${!places[@]}"; do
  label=shared
  [[ $place == . ]] || label="shared/$place"
  names_in "$place" ${persistent_paths[@]+"${persistent_paths[@]}"}
  [[ ${#matched[@]} -gt 0 || $place == . ]] && scan_place "$SHARED/$place" "$label" seeding ${matched[@]+"${matched[@]}"}
done
for entry in "$ROOT"/releases/*; do
  id=${entry##*/}
  [[ $id =~ $release_id && -d $entry && ! -L $entry ]] || continue
  for place in "${!places[@]}"; do
    label="releases/$id"
    [[ $place == . ]] || label+="/$place"
    names_in "$place" ${linked_paths[@]+"${linked_paths[@]}"}
    [[ ${#matched[@]} -gt 0 ]] && scan_place "$entry/$place" "$label" link-tmp "${matched[@]}"
  done
done
shopt -u nullglob dotglob
if ((${#leftover_what[@]} > 0)); then
  while IFS= read -r -d '' label; do
    record warn leftover "$label" "is left by an interrupted command (${leftover_what[$label]}); the next deploy removes it"
  done < <(printf '%s\0' "${!leftover_what[@]}" | sort -z)
fi

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
# Only the end is read: the newest whole line (one a newline ends; a crash can leave the last
# one torn) that is not a rotation's carried summary ({"checkpoint":...).
history="$SHARED/.deployment-history"
if [[ -s $history ]]; then
  last_release=""
  history_tail=$(tail -n 16 -- "$history"; printf x)
  history_tail=${history_tail%x}
  if [[ $history_tail != *$'\n' ]]; then
    if [[ $history_tail == *$'\n'* ]]; then history_tail=${history_tail%$'\n'*}; else history_tail=""; fi
  fi
  while IFS= read -r line; do
    [[ $line == '{"checkpoint":'* ]] && continue
    [[ $line =~ ^\{.*\"release\":\"([^\"]*)\".*\}$ ]] && last_release=${BASH_REMATCH[1]}
  done <<<"$history_tail"
  if [[ -n $last_release ]]; then
    record pass history .deployment-history "last deploy: $last_release"
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
  # Access to shared/ is not something recovery changes: those FAIL lines end with their fix.
  recoverable=0
  access=0
  for ((i = 0; i < ${#names[@]}; i++)); do
    [[ ${statuses[i]} == fail ]] || continue
    case ${names[i]}:${messages[i]} in
      "shared:cannot be reached by "* | "shared:is not writable"* | "shared:is not readable by "* | "shared:is not searchable by "*) access=1 ;;
      *) recoverable=1 ;;
    esac
  done
  ((recoverable)) && say "Next: persist-deploy recover --root $quoted_root (or, without the tool: bash $REPLY); it loses nothing."
  ((access)) && say "Next: give the access each FAIL line above names (the command it ends with, as root or the owner), then check again; recover does not change owners or modes."
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
