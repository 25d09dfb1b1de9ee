#!/usr/bin/env bash
# Cost of a large persist-deploy.json: `classify`, `plan` and a real `auto` of an app whose
# file classifies N folders, for N = 1,000 and 10,000, with the release binary. Both must grow
# about linearly (10x the entries, about 10x the time): it once grew with the square.
# Usage: scripts/bench-config.sh [N...]   (default: 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product persist-deploy 2>&1 | tail -n 1
tool=$PWD/.build/release/persist-deploy
work=$(mktemp -d /tmp/persist-deploy-bench-config.XXXXXX)
trap 'rm -rf "$work"' EXIT
sizes=("$@")
((${#sizes[@]})) || sizes=(1000 10000)

seconds() { # seconds COMMAND...: wall-clock seconds of one run, output discarded
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  end=$(date +%s.%N)
  printf '%.2f' "$(echo "$end - $start" | bc)"
}

printf '%-8s %-10s %-10s %-10s\n' entries classify plan auto
for n in "${sizes[@]}"; do
  app=$work/app-$n
  mkdir -p "$app/public"
  printf '<?php\n' >"$app/public/index.php"
  {
    printf '{ "webRoot": "public", "classify": {\n'
    for ((i = 0; i < n; i++)); do
      printf '  "data/d%d": "user"%s\n' "$i" "$([[ $i -lt $((n - 1)) ]] && printf ,)"
    done
    printf '} }\n'
  } >"$app/persist-deploy.json"
  printf '%-8s %-10s %-10s %-10s\n' "$n" \
    "$(seconds "$tool" classify "$app" --json)" \
    "$(seconds "$tool" plan --root "$work/plan-$n" --from "$app" --json)" \
    "$(seconds "$tool" auto --root "$work/root-$n" --from "$app" --json)"
done
