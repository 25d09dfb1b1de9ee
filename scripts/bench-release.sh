#!/usr/bin/env bash
# Release-size benchmark, measured side by side in one run (these machines are shared and noisy,
# so ours and the baseline alternate, A B A B, and the ratio is taken pair by pair):
#   1. a later deploy (`auto --from RELEASE`, copy included) against ../shared/bench/baseline.sh
#      doing the same work, for three releases: the 6,000-file Laravel release with 56,000 user
#      files in shared/; a 60,000-file release; the 6,000-file release plus 54,000 product images
#      in a web-root asset folder (public/images/products);
#   2. the persist step alone (the release already in releases/: `auto --release`) against the
#      baseline's `persist` on the same 60,000-file image release;
#   3. `classify` of that release against `find RELEASE -type f | wc -l`;
#   4. the floor of the persist step: the drift guard must stat every entry of the live release
#      and the manifest of the new one must record every entry's size and time, so two stat walks
#      of that release (`find -printf '%s %T@'`, as cheap as a walk gets) against the same `ln -s`
#      steps: the persist step can be no cheaper than this row;
#   5. adoption of a site deployed in place (`current` a real folder holding the app and its
#      user data) with 56,000 and 206,000 user files, alternating: the ratio 206k/56k is what
#      counts, since an adoption moves the folder and never lists the data.
# The drift guard's own share of a deploy (its two walks) is read with callgrind, not timed here.
# Usage: scripts/bench-release.sh [PAIRS]   (default 5 pairs each; medians are reported)
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-5}
bench_dir=$(cd ../shared/bench && pwd)
work=${BENCH_WORK:-$(mktemp -d /tmp/persist-deploy-bench-release.XXXXXX)}
trap 'rm -rf "$work/roots"' EXIT

swift build -c release --product persist-deploy 2>&1 | tail -n 1
tool=$PWD/.build/release/persist-deploy

echo "generating workloads in $work (cached between runs)"
python3 "$bench_dir/gen_workload.py" --out "$work/w56k" >/dev/null
python3 "$bench_dir/gen_workload.py" --out "$work/w60k" --release-files 60000 >/dev/null
python3 "$bench_dir/gen_workload.py" --out "$work/w206k" --uploads 200000 >/dev/null
if [[ ! -d $work/wimg ]]; then
  cp -a "$work/w56k" "$work/wimg"
  mkdir -p "$work/wimg/release/public/images/products"
  for ((i = 0; i < 54000; i++)); do
    printf 'image %d\n' "$i" >"$work/wimg/release/public/images/products/p-$i.jpg"
  done
fi

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# prepare_ours WORKLOAD ROOT: a root whose shared/ holds the workload's data (hard-linked) and
# whose live release was deployed by the tool (so it has its manifest).
prepare_ours() {
  rm -rf "$2"
  mkdir -p "$2/releases"
  cp -al "$1/shared" "$2/shared"
  cp -a "$1/release" "$2/releases/2026-01-01_00-00-00"
  "$tool" auto --root "$2" --release 2026-01-01_00-00-00 --quiet
}
prepare_base() {
  rm -rf "$2"
  mkdir -p "$2/releases"
  cp -al "$1/shared" "$2/shared"
  cp -a "$1/release" "$2/releases/20260101000000"
  ln -s releases/20260101000000 "$2/current"
}

time_deploy_ours() {
  local root=$work/roots/ours start
  prepare_ours "$1" "$root"
  sync
  start=$(now_ms)
  "$tool" auto --root "$root" --from "$1/release" --quiet
  echo $(($(now_ms) - start))
}
time_deploy_base() {
  local root=$work/roots/base start
  prepare_base "$1" "$root"
  sync
  start=$(now_ms)
  BENCH_ROOT=$root BENCH_SRC=$1/release BENCH_RELEASE_ID=20260102000000 BENCH_KEEP=5 \
    BENCH_SHARED_DIRS='storage public/uploads public/qrcodes' BENCH_SHARED_FILES='.env' \
    bash "$bench_dir/baseline.sh" deploy
  echo $(($(now_ms) - start))
}
time_persist_ours() {
  local root=$work/roots/ours start
  prepare_ours "$1" "$root"
  cp -a "$1/release" "$root/releases/2026-01-02_00-00-00"
  sync
  start=$(now_ms)
  "$tool" auto --root "$root" --release 2026-01-02_00-00-00 --quiet
  echo $(($(now_ms) - start))
}
time_persist_base() {
  local root=$work/roots/base start
  prepare_base "$1" "$root"
  cp -a "$1/release" "$root/releases/20260102000000"
  sync
  start=$(now_ms)
  bash "$bench_dir/baseline.sh" persist "$root" "$root/releases/20260102000000" 5 'storage public/uploads public/qrcodes' '.env'
  echo $(($(now_ms) - start))
}
time_classify() {
  local start
  start=$(now_ms)
  "$tool" classify "$1/release" >/dev/null
  echo $(($(now_ms) - start))
}
time_stat_walks() {
  local start
  start=$(now_ms)
  find "$1/release" "$1/release" -printf '%s %T@\n' >/dev/null
  echo $(($(now_ms) - start))
}
time_find() {
  local start
  start=$(now_ms)
  find "$1/release" -type f | wc -l >/dev/null
  echo $(($(now_ms) - start))
}

# time_adopt WORKLOAD: a root whose `current` is a real folder (the release with the user data
# laid into it, hard-linked), adopted by a deploy of the same release.
time_adopt() {
  local root=$work/roots/adopt start
  rm -rf "$root"
  mkdir -p "$root"
  cp -a "$1/release" "$root/current"
  cp -al --remove-destination "$1/shared/public/uploads/." "$root/current/public/uploads/"
  cp -al --remove-destination "$1/shared/storage/app/." "$root/current/storage/app/"
  sync
  start=$(now_ms)
  "$tool" auto --root "$root" --from "$1/release" --adopt --quiet
  echo $(($(now_ms) - start))
}
time_adopt_56k() { time_adopt "$work/w56k"; }
time_adopt_206k() { time_adopt "$work/w206k"; }

declare -A ours base ratios
run_pairs() {  # run_pairs NAME OURS_FUNCTION BASE_FUNCTION WORKLOAD
  local name=$1 a b
  for ((p = 0; p < pairs; p++)); do
    a=$("$2" "$4")
    b=$("$3" "$4")
    ours[$name]+="$a "
    base[$name]+="$b "
    ratios[$name]+="$(ratio "$a" "$b") "
  done
}
run_pairs "later deploy, 6,000-file release, 56,000 user files" time_deploy_ours time_deploy_base "$work/w56k"
run_pairs "later deploy, 60,000-file release" time_deploy_ours time_deploy_base "$work/w60k"
run_pairs "later deploy, 6,000 files + 54,000 product images" time_deploy_ours time_deploy_base "$work/wimg"
run_pairs "persist step alone, 6,000 files + 54,000 images" time_persist_ours time_persist_base "$work/wimg"
run_pairs "floor: two stat walks (find -printf) vs ln -s steps" time_stat_walks time_persist_base "$work/wimg"
run_pairs "classify vs find | wc -l, 60,000-file image release" time_classify time_find "$work/wimg"
run_pairs "adoption, 206,000 vs 56,000 user files in place" time_adopt_206k time_adopt_56k ""

med() { tr ' ' '\n' <<<"$1" | grep . | median; }
echo
echo "medians of $pairs pairs, milliseconds; ratio = median of the pairwise ours/baseline"
printf '%-56s %8s %8s %8s\n' "scenario" "ours" "baseline" "ratio"
for name in "later deploy, 6,000-file release, 56,000 user files" "later deploy, 60,000-file release" \
  "later deploy, 6,000 files + 54,000 product images" "persist step alone, 6,000 files + 54,000 images" \
  "floor: two stat walks (find -printf) vs ln -s steps" \
  "classify vs find | wc -l, 60,000-file image release" "adoption, 206,000 vs 56,000 user files in place"; do
  printf '%-56s %8s %8s %8s\n' "$name" "$(med "${ours[$name]}")" "$(med "${base[$name]}")" "$(med "${ratios[$name]}")"
done
