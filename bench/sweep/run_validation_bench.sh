#!/usr/bin/env bash
# run_validation_bench.sh — what validating a big sweep costs before it runs: wall time and peak RSS of
# `lab validate FILE` and `lab sweep FILE --dry-run` on sweeps bench/sweep/make_large_sweep.py writes.
# Prints a Markdown table (bench/sweep/validation-RESULTS.md holds the committed ones).
#
# Environment: LAB (default build/bin/lab). Needs /usr/bin/time (GNU time) and python3; no root (nothing is
# built: validation only). Every file goes under a temporary directory it removes.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB=${LAB:-$REPO/build/bin/lab}
[[ -x $LAB ]] || { echo "$0: no lab binary at $LAB (build first, or set LAB)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "$0: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "| sweep | command | wall time | peak RSS | exit |"
echo "|---|---|---:|---:|---:|"
# cells:hosts — the case of issue 25, the most cells a 1000-host file may have, and 10 000 cells at the bound.
for size in 10000:1000 4387:1000 10000:350; do
    cells=${size%%:*}
    hosts=${size##*:}
    file=$work/sweep-$cells-$hosts.toml
    python3 "$HERE/make_large_sweep.py" --cells "$cells" --hosts "$hosts" >"$file"
    for command in validate dry-run; do
        if [[ $command == validate ]]; then args=(validate "$file"); else args=(sweep "$file" --dry-run); fi
        status=0
        /usr/bin/time -f "%e %M" -o "$work/time.txt" "$LAB" "${args[@]}" >"$work/out.txt" 2>"$work/err.txt" || status=$?
        # GNU time says "Command exited with non-zero status N" first when it did: the numbers are the last line.
        read -r seconds kib < <(tail -n 1 "$work/time.txt")
        echo "| $cells cells × $hosts hosts | \`lab ${args[0]}${args[2]:+ ${args[2]}}\` | ${seconds} s | $((kib / 1024)) MiB | $status |"
    done
done
