#!/usr/bin/env bash
# How long lab takes to build, measured on a clean clone of this repository's HEAD (bench/build/RESULTS.md):
#   bench/build/measure_build.sh [--ci] [--no-run]
#     1. ./bootstrap run (packages already installed): clone to the catalogue's summary, in seconds;
#     2. the full build (every target, RelWithDebInfo, -Werror as ./bootstrap builds) in unity batches and
#        file by file (-DLAB_UNITY_BUILD=OFF), each from an empty build directory: wall time and the summed
#        time of its jobs (ninja_log_summary.sh), with the ten slowest;
#     3. incremental rebuilds of the unity build: one .cpp of runner/ touched, then a header most files include;
#     4. with --ci, the whole .ci/run (root, as CI runs it).
# Needs root for ./bootstrap run and .ci/run (namespaces); the packages from ./bootstrap must be installed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
ci=0 run=1
for a in "$@"; do
    case "$a" in
        --ci) ci=1 ;;
        --no-run) run=0 ;;
        *) echo "usage: measure_build.sh [--ci] [--no-run]" >&2; exit 2 ;;
    esac
done

scratch=$(mktemp -d /tmp/lab-build-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
jobs=$(nproc)
seconds() { local start=$1; echo $(( $(date +%s) - start )); }
fresh_clone() { git clone -q --no-local "$repo" "$1"; }

echo "# lab build times — $(date -u +%Y-%m-%d), commit $(git -C "$repo" rev-parse --short HEAD)"
echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r), $(g++ --version | head -n1)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$run" = 1 ]; then
    fresh_clone "$scratch/run"
    start=$(date +%s)
    (cd "$scratch/run" && ./bootstrap run >"$scratch/run.log" 2>&1) || echo "(./bootstrap run exited $?: $scratch/run.log)"
    echo "./bootstrap run, packages present: $(seconds "$start") s ($(grep -c '' "$scratch/run.log") lines of output)"
    (cd "$scratch/run" && "$here/ninja_log_summary.sh" build 5 | sed 's/^/  /')
    rm -rf "$scratch/run"
fi

fresh_clone "$scratch/src"
for mode in ON OFF; do
    dir=$scratch/build-unity-$mode
    cmake -S "$scratch/src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAB_WERROR=ON -DLAB_UNITY_BUILD=$mode >/dev/null
    start=$(date +%s)
    cmake --build "$dir" -j "$jobs" >"$scratch/build-$mode.log" 2>&1
    echo "full build, LAB_UNITY_BUILD=$mode, -j $jobs: $(seconds "$start") s wall"
    "$here/ninja_log_summary.sh" "$dir" 10 | sed 's/^/  /'
done

# Incremental: what one edit costs a developer in the unity build.
dir=$scratch/build-unity-ON
timed_rebuild() {
    local what=$1
    touch "$scratch/src/$what"
    local start
    start=$(date +%s.%N)
    local edges
    edges=$(cmake --build "$dir" -j "$jobs" | grep -c '^\[')
    printf 'touch %s: %.1f s, %s build steps\n' "$what" "$(echo "$(date +%s.%N) - $start" | bc)" "$edges"
}
timed_rebuild runner/scenario_run.cpp
timed_rebuild runner/sweep_plan.cpp
timed_rebuild record/run_record.hpp
timed_rebuild sys/unique_fd.hpp

if [ "$ci" = 1 ]; then
    fresh_clone "$scratch/ci"
    start=$(date +%s)
    (cd "$scratch/ci" && .ci/run >"$scratch/ci.log" 2>&1) && status=passed || status="failed ($scratch/ci.log)"
    echo ".ci/run: $(seconds "$start") s, $status; $(grep -E 'tests passed|tests failed' "$scratch/ci.log" | tail -n1)"
    echo "  $(grep -E 'Total Test time' "$scratch/ci.log" | tail -n1)"
    for b in build-release build-asan; do
        echo "  $b:"
        "$here/ninja_log_summary.sh" "$scratch/ci/$b" 3 | sed 's/^/    /'
    done
    [ "$status" = passed ] || trap - EXIT
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
