#!/usr/bin/env bash
# Benchmarks `persist-deploy backup` against cp -a and tar on the same ~56,000-file shared/ tree.
# Every run copies the workload into a fresh deploy root, then times, one after the other:
# a first backup, a second backup of the unchanged data, `cp -a`, `cp -a` + `sync` (our backup
# flushes its snapshot to disk before it counts as finished; cp does not), `cp -al` (hard links
# only: the floor for any snapshot that links unchanged files), `tar -cf`, and `backups --verify`.
# Prints the median of RUNS runs (default 3) and the ratios.
#
# Usage: scripts/bench-backup.sh [WORK_DIR]     (RUNS=5 scripts/bench-backup.sh for more runs)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-3}
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/persist-deploy-bench-XXXXXX")}
generator=${GEN_WORKLOAD:-/work/shared/bench/gen_workload.py}
mkdir -p "$work"

echo "bench: workload in $work/workload"
python3 "$generator" --out "$work/workload" >/dev/null
files=$(find "$work/workload/shared" ! -type d | wc -l)
size=$(du -sh "$work/workload/shared" | cut -f1)
echo "bench: shared/ holds $files files ($size on disk)"

echo "bench: swift build -c release"
swift build -c release 2>&1 | tail -n 1
tool=$(swift build -c release --show-bin-path)/persist-deploy

# Seconds taken by the command, to the millisecond; its output is discarded.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  echo "$start $end" | awk '{ printf "%.3f", $2 - $1 }'
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -a first second copy copy_sync link tarball verify
for run in $(seq 1 "$runs"); do
  root="$work/root-$run"
  rm -rf "$root" "$work/cp-$run" "$work/cpal-$run" "$work/tar-$run.tar"
  mkdir -p "$root"
  cp -a "$work/workload/shared" "$root/shared"
  sync
  first+=("$(seconds "$tool" backup --root "$root" --quiet)")
  sync
  second+=("$(seconds "$tool" backup --root "$root" --quiet)")
  sync
  c=$(seconds cp -a "$root/shared" "$work/cp-$run")
  s=$(seconds sync)
  copy+=("$c")
  copy_sync+=("$(echo "$c $s" | awk '{ printf "%.3f", $1 + $2 }')")
  link+=("$(seconds cp -al "$root/shared" "$work/cpal-$run")")
  sync
  tarball+=("$(seconds tar -cf "$work/tar-$run.tar" -C "$root" shared)")
  sync
  verify+=("$(seconds "$tool" backups --root "$root" --verify --quiet)")
  echo "bench: run $run: first ${first[-1]} s, second ${second[-1]} s, cp -a ${copy[-1]} s," \
    "cp -a + sync ${copy_sync[-1]} s, cp -al ${link[-1]} s, tar ${tarball[-1]} s, verify ${verify[-1]} s"
  rm -rf "$root" "$work/cp-$run" "$work/cpal-$run" "$work/tar-$run.tar"
done

m_first=$(median "${first[@]}")
m_second=$(median "${second[@]}")
m_copy=$(median "${copy[@]}")
m_copy_sync=$(median "${copy_sync[@]}")
m_link=$(median "${link[@]}")
m_tar=$(median "${tarball[@]}")
m_verify=$(median "${verify[@]}")
ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }

echo
echo "$files files, $size; median of $runs runs; $(nproc) cores"
printf '%-34s %10s  %s\n' "operation" "seconds" "ratio"
printf '%-34s %10s  %s\n' "backup, first" "$m_first" "1.00 (reference)"
printf '%-34s %10s  %s\n' "backup, second (unchanged data)" "$m_second" "first / second = $(ratio "$m_first" "$m_second")x"
printf '%-34s %10s  %s\n' "cp -a" "$m_copy" "first / cp -a = $(ratio "$m_first" "$m_copy")"
printf '%-34s %10s  %s\n' "cp -a + sync" "$m_copy_sync" "first / (cp -a + sync) = $(ratio "$m_first" "$m_copy_sync")"
printf '%-34s %10s  %s\n' "cp -al (hard links only)" "$m_link" "second / cp -al = $(ratio "$m_second" "$m_link")"
printf '%-34s %10s  %s\n' "tar -cf" "$m_tar" "first / tar = $(ratio "$m_first" "$m_tar")"
printf '%-34s %10s  %s\n' "backups --verify (2 snapshots)" "$m_verify" ""
