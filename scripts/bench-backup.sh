#!/usr/bin/env bash
# Benchmarks `persist-deploy backup` against coreutils on the standard workload
# (/work/shared/bench/gen_workload.py): a first backup against `cp -a` of the same shared/, a
# second backup of the unchanged data against `cp -al` (hard links only: the floor for a snapshot
# that links unchanged files), each also against the copy followed by `sync -f` (a backup makes
# its snapshot durable before it is listed; cp does not), and the peak memory of each backup.
#
# Measured in alternating pairs (A B A B ...), one ratio per pair, medians printed; every timing
# and the peak RSS come from /usr/bin/time. A first backup goes into a fresh deploy root whose
# shared/ is a link to the workload's (the tool follows the deploy root's own links), so no copy
# of the workload is needed between runs.
#
# Usage: scripts/bench-backup.sh [WORK_DIR ...]
#   Each WORK_DIR is measured in turn (default: one on /dev/shm when it exists, and one under
#   ${TMPDIR:-/tmp}: tmpfs shows the CPU and system calls, a disk adds the writes).
#   RUNS=N pairs (default 3); UPLOADS="50000 200000" workload sizes (56,412 and 206,412 files).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-3}
uploads=${UPLOADS:-"50000 200000"}
generator=${GEN_WORKLOAD:-/work/shared/bench/gen_workload.py}
[[ -x /usr/bin/time ]] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
if (($# == 0)); then
  [[ -d /dev/shm ]] && set -- "$(mktemp -d /dev/shm/persist-deploy-bench-XXXXXX)"
  set -- "$@" "$(mktemp -d "${TMPDIR:-/tmp}/persist-deploy-bench-XXXXXX")"
fi

echo "bench: swift build -c release"
swift build -c release 2>&1 | tail -n 1
tool=$(swift build -c release --show-bin-path)/persist-deploy

# measure OUT COMMAND...: runs COMMAND (output discarded) and appends "wall user sys rss_kb" to OUT.
measure() {
  local out=$1
  shift
  if ! /usr/bin/time -o "$out.one" -f '%e %U %S %M' "$@" >/dev/null 2>"$out.err"; then
    echo "bench: '$*' failed:" >&2
    cat "$out.err" "$out.one" >&2
    exit 1
  fi
  cat "$out.one" >>"$out"
}
# The commands measured. Each makes a new folder under $runs_dir.
first_backup() { local d; d=$(mktemp -d "$runs_dir/fr.XXXXXX"); ln -s "$shared" "$d/shared"; "$tool" backup --root "$d" --quiet --keep 1000; }
second_backup() { "$tool" backup --root "$root" --quiet --keep 1000; }
copy() { local d; d=$(mktemp -d "$runs_dir/cp.XXXXXX"); cp -a "$shared" "$d/shared"; }
copy_sync() { local d; d=$(mktemp -d "$runs_dir/cps.XXXXXX"); cp -a "$shared" "$d/shared"; sync -f "$d/shared"; }
link() { local d; d=$(mktemp -d "$runs_dir/cpal.XXXXXX"); cp -al "$shared" "$d/shared"; }
link_sync() { local d; d=$(mktemp -d "$runs_dir/cpals.XXXXXX"); cp -al "$shared" "$d/shared"; sync -f "$d/shared"; }
export -f first_backup second_backup copy copy_sync link link_sync

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'; }
# ratios A B FIELD: the median of A/B pair by pair (field 1 wall, 2 user, 3 sys).
ratios() { paste -d ' ' "$1" "$2" | awk -v f="$3" '{ printf "%.4f\n", $f / $(f + 4) }' | median; }
cpu_ratios() { paste -d ' ' "$1" "$2" | awk '{ printf "%.4f\n", ($2 + $3) / ($6 + $7) }' | median; }
column() { awk -v f="$2" '{ print $f }' "$1" | median; }

results=()
for work in "$@"; do
  mkdir -p "$work"
  fs=$(stat -f -c %T "$work")
  for count in $uploads; do
    echo "bench: $fs: workload with $count uploads in $work/w$count"
    python3 "$generator" --out "$work/w$count" --uploads "$count" >/dev/null
    export shared="$work/w$count/shared" root="$work/r$count" runs_dir="$work/runs" tool
    files=$(find "$shared" ! -type d | wc -l)
    rm -rf "$root" "$runs_dir" "$work"/m.*
    mkdir -p "$root" "$runs_dir"
    ln -s "$shared" "$root/shared"
    "$tool" backup --root "$root" --quiet --keep 1000  # the previous snapshot for second backups
    sync
    for run in $(seq 1 "$runs"); do
      # Each command's output is removed right after it (outside the timing), and the order
      # turns each run: on ext4 a command run just after many files were deleted pays for it
      # (the inode allocator skips recently deleted inodes), so each takes each place in turn.
      order=(first_backup copy copy_sync second_backup link link_sync)
      for ((shift = 0; shift < (run - 1) % 3; shift++)); do
        order=("${order[1]}" "${order[2]}" "${order[0]}" "${order[4]}" "${order[5]}" "${order[3]}")
      done
      for step in "${order[@]}"; do
        measure "$work/m.$step" bash -c "$step"
        rm -rf "${runs_dir:?}"/*
        sync
      done
      echo "bench: $fs $files files, run $run: first $(tail -n 1 "$work/m.first_backup" | cut -d' ' -f1) s," \
        "cp -a $(tail -n 1 "$work/m.copy" | cut -d' ' -f1) s, second $(tail -n 1 "$work/m.second_backup" | cut -d' ' -f1) s," \
        "cp -al $(tail -n 1 "$work/m.link" | cut -d' ' -f1) s"
    done
    results+=("$(printf '%-7s %8s  %6s %6s %6s  %6s %6s %6s  %8s %8s' "$fs" "$files" \
      "$(ratios "$work/m.first_backup" "$work/m.copy" 1)" "$(cpu_ratios "$work/m.first_backup" "$work/m.copy")" \
      "$(ratios "$work/m.first_backup" "$work/m.copy_sync" 1)" \
      "$(ratios "$work/m.second_backup" "$work/m.link" 1)" "$(cpu_ratios "$work/m.second_backup" "$work/m.link")" \
      "$(ratios "$work/m.second_backup" "$work/m.link_sync" 1)" \
      "$(($(column "$work/m.first_backup" 4 | cut -d. -f1) / 1024)) MB" "$(($(column "$work/m.second_backup" 4 | cut -d. -f1) / 1024)) MB")")
    rm -rf "$root" "$runs_dir"
  done
done

echo
echo "Medians of $runs alternating pairs, $(nproc) cores; ratios are backup / coreutils (wall, or cpu = user + sys):"
printf '%-7s %8s  %6s %6s %6s  %6s %6s %6s  %8s %8s\n' "fs" "files" "1st/" "1st/" "1st/" "2nd/" "2nd/" "2nd/" "peak RSS" "peak RSS"
printf '%-7s %8s  %6s %6s %6s  %6s %6s %6s  %8s %8s\n' "" "" "cp -a" "cpu" "+sync" "cp-al" "cpu" "+sync" "1st" "2nd"
printf '%s\n' "${results[@]}"
