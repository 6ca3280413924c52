#!/usr/bin/env bash
# Sums the job times of one build from its .ninja_log: what a build cost in CPU, whatever -j it ran at.
#   bench/build/ninja_log_summary.sh BUILD_DIR [N]   prints the sum, the compile-only sum and the N slowest jobs
# A .ninja_log lists one line per output; an edge with several outputs appears once per output with the
# same start, end and command hash, so lines are counted once per (start, end, hash). Read the log of a
# fresh build directory: ninja appends a rebuild's jobs to the same file.
set -euo pipefail
dir=${1:?usage: ninja_log_summary.sh BUILD_DIR [N]}
top=${2:-10}
log=$dir/.ninja_log
[ -r "$log" ] || { echo "ninja_log_summary: cannot read $log" >&2; exit 2; }
awk -v top="$top" '
    /^#/ { next }
    {
        start = $1; end = $2; out = $4; hash = $5
        if (end + 0 > last_end_max + 0) last_end_max = end
        key = start " " end " " hash
        if (key in seen) next
        seen[key] = 1
        secs[++n] = (end - start) / 1000.0; name[n] = out
    }
    END {
        total = 0; compile = 0; jobs = 0; cjobs = 0
        for (i = 1; i <= n; i++) {
            total += secs[i]; jobs++
            if (name[i] ~ /\.o$/ || name[i] ~ /\.gch$/) { compile += secs[i]; cjobs++ }
        }
        printf "jobs %d, summed %.0f s; compile jobs %d, summed %.0f s; wall %.0f s\n", jobs, total, cjobs, compile, last_end_max / 1000.0
        printf "slowest %d:\n", top
        cmd = "sort -t\"\t\" -k1,1 -g -r | head -n " top
        for (i = 1; i <= n; i++) printf "%.1f\t%s\n", secs[i], name[i] | cmd
        close(cmd)
    }' "$log"
