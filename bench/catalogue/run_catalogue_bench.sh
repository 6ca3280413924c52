#!/usr/bin/env bash
# run_catalogue_bench.sh [RUNS] — how long each catalogue scenario takes, against how long the procedure
# its source documents waits (documented.tsv), and the whole catalogue run one scenario at a time vs
# side by side. Prints a Markdown table (bench/catalogue/RESULTS.md holds the committed one): per
# scenario the median wall time over RUNS serial runs (default 3) and the ratio documented / lab.
#
# Environment: LAB (default build/bin/lab), JOBS (the side-by-side run's -j, default 4).
# Root only (lab run builds namespaces); writes its runs under a temporary directory it removes.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUNS=${1:-3}
JOBS=${JOBS:-4}
LAB=${LAB:-$REPO/build/bin/lab}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [RUNS]" >&2; exit 1; }
if [[ $(id -u) -ne 0 ]]; then echo "$0: lab run builds network namespaces, so it needs root" >&2; exit 2; fi
[[ -x $LAB ]] || { echo "$0: no lab binary at $LAB (build first, or set LAB)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

serial=() parallel=()
for ((r = 1; r <= RUNS; r++)); do
    t0=$(now)
    "$LAB" run -q -j 1 --out "$work/serial-$r" "$REPO/scenarios" >"$work/serial-$r.txt" || echo "serial run $r: some scenario failed (see the table)" >&2
    t1=$(now)
    "$LAB" run -q -j "$JOBS" --out "$work/parallel-$r" "$REPO/scenarios" >"$work/parallel-$r.txt" || echo "parallel run $r: some scenario failed" >&2
    t2=$(now)
    serial+=("$(elapsed "$t0" "$t1")")
    parallel+=("$(elapsed "$t1" "$t2")")
done

# One line per record: scenario <TAB> wall seconds (records are <out>/<scenario>/<run>/record.json).
for f in "$work"/serial-*/*/*/record.json; do
    name=$(basename "$(dirname "$(dirname "$f")")")
    wall=$(grep -o '"wall_seconds": *[0-9.e+-]*' "$f" | head -1 | sed 's/.*: *//')
    printf '%s\t%s\n' "$name" "$wall"
done | sort >"$work/walls.tsv"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "| scenario | documented procedure waits | lab (median of $RUNS) | documented / lab |"
echo "|---|---:|---:|---:|"
for name in $(cut -f1 "$work/walls.tsv" | sort -u); do
    lab_s=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$work/walls.tsv" | median)
    doc=$(awk -F'\t' -v n="$name" '$1 == n { print $2 "\t" $3 }' "$HERE/documented.tsv")
    if [[ -n $doc ]]; then
        doc_s=${doc%%$'\t'*}
        awk -v n="$name" -v d="$doc_s" -v what="${doc#*$'\t'}" -v l="$lab_s" \
            'BEGIN { printf "| %s | %d s (%s) | %.2f s | %.0f× |\n", n, d, what, l, d / l }'
    else
        awk -v n="$name" -v l="$lab_s" 'BEGIN { printf "| %s | — | %.2f s | — |\n", n, l }'
    fi
done
echo
echo "Whole catalogue: one at a time $(printf '%s ' "${serial[@]}")s; $JOBS at a time $(printf '%s ' "${parallel[@]}")s."
for f in "$work"/serial-*.txt "$work"/parallel-*.txt; do
    grep -h '^total:' "$f" | sed "s|^|$(basename "$f" .txt): |"
done
