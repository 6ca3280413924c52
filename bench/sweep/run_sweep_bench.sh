#!/usr/bin/env bash
# run_sweep_bench.sh — what `lab sweep` costs and what running cells side by side changes. Prints Markdown
# (bench/sweep/RESULTS.md holds the committed one):
#   1. runs per minute at -j 1, 4, 8, 16 on a fixed part of the backlog sweep (backlog 5 and 64 × all
#      retries × cookies, 2 repeats: 32 runs), against the peer a user has without sweeps — one `lab run`
#      per cell and repeat in a shell loop (here with --set; by hand it is a copy of the file per cell);
#   2. the wall time of each shipped sweep (scenarios/sweeps/*.toml) at -j 8, as they ship (3 repeats);
#   3. with FULL=1, the whole backlog sweep at -j 1 and at -j 8, compared by `lab compare`: the verdicts and
#      the count metrics must be the same, timings within a few percent (~20 minutes).
#
# Environment: LAB (default build/bin/lab), FULL=1 for part 3. Root only (lab builds namespaces); every
# output goes under a temporary directory it removes.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB=${LAB:-$REPO/build/bin/lab}
SCENARIO=$REPO/scenarios/sweeps/backlog-vs-retries.toml
if [[ $(id -u) -ne 0 ]]; then echo "$0: lab builds network namespaces, so it needs root" >&2; exit 2; fi
[[ -x $LAB ]] || { echo "$0: no lab binary at $LAB (build first, or set LAB)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
per_minute() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n * 60 / s }'; }

part="--var backlog=5,64 --repeat 2"
runs=32

echo "## Runs per minute (backlog 5 and 64 × synack_retries × syncookies, 2 repeats = $runs runs)"
echo
echo "| how | wall time | runs per minute | × the shell loop | expectations |"
echo "|---|---:|---:|---:|---|"
# The peer: every cell × repeat as its own `lab run`, one after another.
t0=$(now)
loop_fail=0
for backlog in 5 64; do for retries in 0 1 2 5; do for cookies in 0 1; do for rep in 1 2; do
    "$LAB" run -q --out "$work/loop" "$SCENARIO" --set backlog=$backlog --set synack_retries=$retries \
        --set syncookies=$cookies >"$work/loop.txt" 2>&1 || loop_fail=$((loop_fail + 1))
done; done; done; done
t1=$(now)
loop_s=$(elapsed "$t0" "$t1")
echo "| shell loop of \`lab run\`, one cell at a time | ${loop_s} s | $(per_minute $runs "$loop_s") | 1.0× | $loop_fail runs with a failed expectation |"
for j in 1 4 8 16; do
    t0=$(now)
    status=0
    # shellcheck disable=SC2086
    "$LAB" sweep "$SCENARIO" $part -j "$j" --seed 1 --out "$work/j$j" >"$work/j$j.txt" 2>&1 || status=$?
    t1=$(now)
    s=$(elapsed "$t0" "$t1")
    verdicts=$(grep -E '^[0-9]+ runs' "$work/j$j.txt" | head -1)
    echo "| \`lab sweep -j $j\` | ${s} s | $(per_minute $runs "$s") | $(awk -v a="$loop_s" -v b="$s" 'BEGIN { printf "%.1f", a / b }')× | exit $status: $verdicts |"
done
echo
echo "## The shipped sweeps at -j 8"
echo
echo "| sweep | runs | wall time | verdicts |"
echo "|---|---:|---:|---|"
for f in "$REPO"/scenarios/sweeps/*.toml; do
    name=$(basename "$f" .toml)
    t0=$(now)
    status=0
    "$LAB" sweep "$f" -j 8 --seed 1 --out "$work/ship-$name" >"$work/ship-$name.txt" 2>&1 || status=$?
    t1=$(now)
    n=$(find "$work/ship-$name/runs" -name record.json | wc -l)
    verdicts=$(grep -E '^[0-9]+ runs' "$work/ship-$name.txt" | head -1)
    echo "| $name | $n | $(elapsed "$t0" "$t1") s | exit $status: $verdicts |"
done

if [[ ${FULL:-0} == 1 ]]; then
    echo
    echo "## The backlog sweep at -j 1 and at -j 8"
    echo
    t0=$(now)
    "$LAB" sweep "$SCENARIO" -j 1 --seed 1 --out "$work/full-j1" >"$work/full-j1.txt" 2>&1 || true
    t1=$(now)
    echo "-j 1: $(elapsed "$t0" "$t1") s, $(grep -E '^[0-9]+ runs' "$work/full-j1.txt" | head -1)"
    echo "-j 8 (above): $(grep -E '^[0-9]+ runs' "$work/ship-backlog-vs-retries.txt" | head -1)"
    echo
    "$LAB" compare "$work/full-j1" "$work/ship-backlog-vs-retries" >"$work/compare.md" || true
    grep -E '^[0-9]+ value differences' "$work/compare.md" || true
    echo
    echo '```'
    sed -n '/^Differences:/,/^## /p' "$work/compare.md" | grep -E '^- ' || echo "(no differences)"
    echo '```'
fi
