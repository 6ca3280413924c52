#!/usr/bin/env bash
# run_spawn_bench.sh [N] — how long starting a program inside a network namespace takes:
#   lab        bench/spawn_bench (lab::runner::ChildProcess::launch: vfork, setns, exec, reap), and the
#              same steps after fork(), each with the parent holding 0, 256 and 1024 MiB
#   ip netns   `ip netns exec NS /bin/true` N times in a shell loop (default N = 200), as one would
#              start a command in a namespace by hand
# and prints a Markdown table of microseconds per start (bench/RESULTS.md holds the committed one).
# Root only. Installs nothing: it says what is missing.
#
# Environment: SPAWN_BENCH (path to spawn_bench; default build/bin/spawn_bench).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
N=${1:-200}
[[ $N =~ ^[1-9][0-9]*$ ]] && ((N <= 10000)) || { echo "usage: $0 [N <= 10000]" >&2; exit 1; }

if [[ $(id -u) -ne 0 ]]; then
    echo "$0: creates a network namespace, so it needs root (try: sudo $0 $*)" >&2
    exit 2
fi
BENCH=${SPAWN_BENCH:-$REPO/build/bin/spawn_bench}
if [[ ! -x $BENCH ]]; then
    echo "$0: $BENCH not built: cmake --build $REPO/build --target spawn_bench (needs libbenchmark-dev)," \
         "or set SPAWN_BENCH" >&2
    exit 1
fi
command -v ip >/dev/null || { echo "$0: 'ip' not found: apt-get install iproute2" >&2; exit 1; }
command -v python3 >/dev/null || { echo "$0: 'python3' not found: apt-get install python3" >&2; exit 1; }

NS=lab-bench-$$-ipexec
RESULTS=$(mktemp)
cleanup() { ip netns del "$NS" 2>/dev/null || true; rm -f "$RESULTS"; }
trap cleanup EXIT
ip netns add "$NS"

start=$(date +%s%N)
for ((i = 0; i < N; i++)); do ip netns exec "$NS" /bin/true; done
end=$(date +%s%N)
ip_us=$(( (end - start) / N / 1000 ))

"$BENCH" --benchmark_format=json --benchmark_out="$RESULTS" >/dev/null
python3 - "$ip_us" "$N" "$RESULTS" <<'EOF'
import json, sys
ip_us, n = int(sys.argv[1]), int(sys.argv[2])
runs = json.load(open(sys.argv[3]))["benchmarks"]
per = {}
for b in runs:
    name, arg = b["name"].split("/")
    per.setdefault(int(arg.split(":")[1]), {})[name] = b["real_time"]
print(f"| parent memory | lab (vfork) µs | fork µs | ip netns exec µs (shell loop of {n}) | fork/lab | ip/lab |")
print("|---:|---:|---:|---:|---:|---:|")
for mib in sorted(per):
    v, f = per[mib]["BM_LaunchVfork"], per[mib]["BM_LaunchFork"]
    print(f"| {mib} MiB | {v:.0f} | {f:.0f} | {ip_us} | {f / v:.1f}× | {ip_us / v:.1f}× |")
EOF
