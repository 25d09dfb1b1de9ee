#!/usr/bin/env bash
# measure-stale-php.sh: how long a real Apache keeps serving the old release's PHP code after
# `current` is switched, for each way PHP can run on a shared host and each remedy a
# shared-hosting user can apply. The figures in SHARED-HOSTING-SETUP.md and the README come from
# this script.
#
# Usage (as root, Debian with apache2, libapache2-mod-php, php-cgi, php-fpm):
#   scripts/measure-stale-php.sh [RUNS] [VARIANT...]
# Prints one line per variant: the seconds each run served old code after the switch (the time
# until every one of 12 requests in a row answered with the new release), and the largest.
# It makes the account pdstale, serves its ~/public_html on 127.0.0.1:18181 with an Apache of
# its own (ServerRoot in a temporary folder), and stops that Apache at the end.
set -u
export LC_ALL=C

RUNS=${1:-3}
shift || true
ALL_VARIANTS=(
  modphp-link modphp-link-htaccess-revalidate modphp-link-user-ini modphp-link-prepend
  modphp-link-touch modphp-link-graceful modphp-sync-current modphp-sync-readlink
  cgi-link fpm-link fpm-link-user-ini-revalidate fpm-link-user-ini-prepend fpm-link-user-ini-both fpm-sync-readlink fpm-link-reload
)
VARIANTS=("$@")
((${#VARIANTS[@]} > 0)) || VARIANTS=("${ALL_VARIANTS[@]}")
for variant in "${VARIANTS[@]}"; do
  [[ " ${ALL_VARIANTS[*]} " == *" $variant "* ]] || { echo "unknown variant $variant; known: ${ALL_VARIANTS[*]}" >&2; exit 64; }
done
LIMIT=${LIMIT:-150}
PORT=18181
ACCOUNT=pdstale

for needed in /usr/sbin/apache2 /usr/lib/apache2/modules/libphp8.2.so /usr/lib/cgi-bin/php8.2 /usr/sbin/php-fpm8.2 curl; do
  [[ -e $needed ]] || command -v "$needed" >/dev/null || { echo "missing $needed (apt-get install apache2 libapache2-mod-php php-cgi php-fpm curl)" >&2; exit 1; }
done
[[ $(id -u) == 0 ]] || { echo "run as root (it makes the account $ACCOUNT and starts Apache as it)" >&2; exit 1; }
id "$ACCOUNT" >/dev/null 2>&1 || useradd -m -s /bin/bash "$ACCOUNT"
HOME_DIR=$(getent passwd "$ACCOUNT" | cut -d: -f6)
WORK=$(mktemp -d /tmp/measure-stale-php.XXXXXX)
chmod 755 "$WORK"
apache_pid="" fpm_pid=""
stop_servers() {
  [[ -n $apache_pid ]] && kill "$apache_pid" 2>/dev/null && wait "$apache_pid" 2>/dev/null
  [[ -n $fpm_pid ]] && kill "$fpm_pid" 2>/dev/null && wait "$fpm_pid" 2>/dev/null
  apache_pid="" fpm_pid=""
}
trap 'stop_servers; rm -rf -- "$WORK"' EXIT

# release ID TEXT: a release whose index.php (identical in every release, same mtime, as a tar
# or `cp -a` of unchanged code leaves it) includes app.php, which names the release. Each
# request takes 0.3 s, so a round of parallel requests keeps every PHP process busy: each one
# is asked, and a process that still runs old code cannot hide.
release() {
  local dir="$HOME_DIR/site/releases/$1"
  mkdir -p "$dir/public"
  printf '<?php usleep(300000); require __DIR__."/../app.php";\n' >"$dir/public/index.php"
  printf '<?php echo "%s\\n";\n' "$2" >"$dir/app.php"
  touch -d '2026-01-01 00:00:00' "$dir/public/index.php"
}

setup_site() { # MODE(link|sync-current|sync-readlink) EXTRA_HTACCESS EXTRA_USER_INI
  rm -rf -- "$HOME_DIR/site" "$HOME_DIR/public_html" "$HOME_DIR/prepend.php"
  release R1 one
  release R2 two
  ln -s releases/R1 "$HOME_DIR/site/current"
  case $1 in
    link) ln -s site/current/public "$HOME_DIR/public_html" ;;
    sync-current)
      mkdir "$HOME_DIR/public_html"
      printf "<?php usleep(300000); require '%s/site/current/app.php';\n" "$HOME_DIR" >"$HOME_DIR/public_html/index.php"
      ;;
    sync-readlink)
      mkdir "$HOME_DIR/public_html"
      printf "<?php usleep(300000); define('RELEASE', '%s/site/' . readlink('%s/site/current'));\nrequire RELEASE . '/app.php';\n" \
        "$HOME_DIR" "$HOME_DIR" >"$HOME_DIR/public_html/index.php"
      ;;
  esac
  printf '<?php clearstatcache(true);\n' >"$HOME_DIR/prepend.php"
  [[ -n $2 ]] && printf '%s\n' "$2" >"$HOME_DIR/site/releases/R1/public/.htaccess" && cp -a "$HOME_DIR/site/releases/R1/public/.htaccess" "$HOME_DIR/site/releases/R2/public/"
  [[ -n $2 && $1 != link ]] && printf '%s\n' "$2" >"$HOME_DIR/public_html/.htaccess"
  [[ -n $3 ]] && printf '%s\n' "$3" >"$HOME_DIR/site/releases/R1/public/.user.ini" && cp -a "$HOME_DIR/site/releases/R1/public/.user.ini" "$HOME_DIR/site/releases/R2/public/"
  [[ -n $3 && $1 != link ]] && printf '%s\n' "$3" >"$HOME_DIR/public_html/.user.ini"
  chown -hR "$ACCOUNT:$ACCOUNT" "$HOME_DIR/site" "$HOME_DIR/public_html" "$HOME_DIR/prepend.php"
  [[ -d $HOME_DIR/public_html && ! -L $HOME_DIR/public_html ]] && chown -R "$ACCOUNT:$ACCOUNT" "$HOME_DIR/public_html"
}

start_servers() { # SAPI(modphp|cgi|fpm)
  local handler modules
  case $1 in
    modphp)
      modules="LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
LoadModule php_module /usr/lib/apache2/modules/libphp8.2.so"
      handler='<FilesMatch "\.php$">
  SetHandler application/x-httpd-php
</FilesMatch>'
      ;;
    cgi)
      modules="LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
LoadModule cgi_module /usr/lib/apache2/modules/mod_cgi.so
LoadModule actions_module /usr/lib/apache2/modules/mod_actions.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so"
      handler='ScriptAlias /php-cgi-bin/ /usr/lib/cgi-bin/
<Directory /usr/lib/cgi-bin>
  Require all granted
</Directory>
Action php-cgi-script /php-cgi-bin/php8.2
AddHandler php-cgi-script .php'
      ;;
    fpm)
      modules="LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_fcgi_module /usr/lib/apache2/modules/mod_proxy_fcgi.so"
      handler="<FilesMatch \"\\.php\$\">
  SetHandler \"proxy:unix:$WORK/fpm.sock|fcgi://localhost\"
</FilesMatch>"
      cat >"$WORK/fpm.conf" <<EOF
[global]
pid = $WORK/fpm.pid
error_log = $WORK/fpm.log
daemonize = no
[site]
user = $ACCOUNT
group = $ACCOUNT
listen = $WORK/fpm.sock
listen.owner = $ACCOUNT
listen.group = $ACCOUNT
pm = static
pm.max_children = 3
EOF
      setsid /usr/sbin/php-fpm8.2 -y "$WORK/fpm.conf" -c /etc/php/8.2/fpm/php.ini 2>>"$WORK/fpm.stderr" &
      fpm_pid=$!
      for _ in $(seq 50); do [[ -S $WORK/fpm.sock ]] && break; sleep 0.1; done
      ;;
  esac
  cat >"$WORK/httpd.conf" <<EOF
ServerRoot $WORK
ServerName 127.0.0.1
Listen 127.0.0.1:$PORT
PidFile $WORK/httpd.pid
ErrorLog $WORK/error.log
$modules
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
TypesConfig /etc/mime.types
KeepAlive Off
StartServers 3
MinSpareServers 3
MaxSpareServers 3
ServerLimit 3
MaxRequestWorkers 3
User $ACCOUNT
Group $ACCOUNT
DocumentRoot $HOME_DIR/public_html
<Directory />
  Options SymLinksIfOwnerMatch
  AllowOverride All
  Require all granted
</Directory>
DirectoryIndex index.php
$handler
EOF
  [[ $1 == fpm ]] && sed -i -e 's/^StartServers 3/StartServers 1/' -e '/^MinSpareServers/d;/^MaxSpareServers/d;/^ServerLimit/d;/^MaxRequestWorkers/d' "$WORK/httpd.conf"
  # Its own session: on shutdown Apache signals its whole process group.
  setsid /usr/sbin/apache2 -f "$WORK/httpd.conf" -DFOREGROUND &
  apache_pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
}

# answers: the distinct bodies of a round of 9 requests made at once (three per PHP process).
answers() {
  local urls=()
  for _ in 1 2 3 4 5 6 7 8 9; do urls+=("http://127.0.0.1:$PORT/"); done
  curl -s --no-progress-meter --parallel --parallel-max 9 "${urls[@]}" | sort -u | tr '\n' ' '
}

measure() { # VARIANT -> REPLY = seconds of old code after the switch (or ">LIMIT")
  local variant=$1 sapi mode=link htaccess="" userini="" after=""
  sapi=${variant%%-*}
  case $variant in
    *-sync-current) mode=sync-current ;;
    *-sync-readlink) mode=sync-readlink ;;
  esac
  case $variant in
    modphp-link-htaccess-revalidate) htaccess='php_value opcache.revalidate_path 1' ;;
    modphp-link-user-ini | fpm-link-user-ini-revalidate) userini='opcache.revalidate_path=1' ;;
    modphp-link-prepend) htaccess="php_value auto_prepend_file $HOME_DIR/prepend.php" ;;
    fpm-link-user-ini-prepend) userini="auto_prepend_file=$HOME_DIR/prepend.php" ;;
    fpm-link-user-ini-both) userini=$'opcache.revalidate_path=1\n'"auto_prepend_file=$HOME_DIR/prepend.php" ;;
    modphp-link-touch) after='touch' ;;
    modphp-link-graceful) after=graceful ;;
    fpm-link-reload) after=fpm-reload ;;
  esac
  setup_site "$mode" "$htaccess" "$userini"
  start_servers "$sapi"
  local warm
  warm=$(answers)
  if [[ $warm != "one " ]]; then
    REPLY="setup-failed($warm)"
    stop_servers
    return
  fi
  sleep 3
  ln -s releases/R2 "$HOME_DIR/site/.current.tmp" && chown -h "$ACCOUNT:$ACCOUNT" "$HOME_DIR/site/.current.tmp"
  mv -T "$HOME_DIR/site/.current.tmp" "$HOME_DIR/site/current"
  local start now
  start=$(date +%s%N)
  case $after in
    touch) touch "$HOME_DIR/site/current/public/index.php" "$HOME_DIR/site/current/app.php" ;;
    graceful) /usr/sbin/apache2 -f "$WORK/httpd.conf" -k graceful ;;
    fpm-reload) kill -USR2 "$fpm_pid" ;;
  esac
  REPLY=">$LIMIT"
  while :; do
    now=$(date +%s%N)
    if [[ $(answers) == "two " ]]; then
      REPLY=$(((now - start) / 100000000))
      REPLY="$((REPLY / 10)).$((REPLY % 10))"
      break
    fi
    (((now - start) / 1000000000 >= LIMIT)) && break
    sleep 0.5
  done
  stop_servers
}

printf '%s\n' "PHP $(php -r 'echo PHP_VERSION;'), Apache $(/usr/sbin/apache2 -v | sed -n 's/^Server version: //p'); seconds of old code after the switch, $RUNS runs each"
for variant in "${VARIANTS[@]}"; do
  results=()
  worst=0
  for ((run = 0; run < RUNS; run++)); do
    measure "$variant"
    results+=("$REPLY")
    if [[ $REPLY =~ ^[0-9.]+$ ]]; then
      (($(printf '%.0f' "$REPLY") > worst)) && worst=$(printf '%.0f' "$REPLY")
    else
      worst=$REPLY
    fi
  done
  printf '%-34s runs: %-24s worst: %s\n' "$variant" "${results[*]}" "$worst"
done
