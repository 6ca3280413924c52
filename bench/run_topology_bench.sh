#!/usr/bin/env bash
# run_topology_bench.sh [RUNS] [N...] — build and tear down N hosts on one switch with three
# peers, side by side, and print a Markdown table (bench/RESULTS.md holds the committed one):
#   lab        bench/topology_bench (lab::runner::Topology, libnl, in-process)
#   ip script  bench/ip_script_topology.sh N (iproute2 commands, as one would write by hand)
#   mininet    mn --topo single,N --switch lxbr --controller none --test none
# Each N is run RUNS times (default 5), the peers taking turns within a round; the table shows
# medians. Defaults: N = 10 50 100. 2 <= N <= 1000 (one bridge: at most 1024 ports). Mininet is
# left out above MININET_MAX hosts (default 300): it takes minutes there, and the table says "—".
# Root only. Installs nothing: it says what is missing.
#
# Environment: TOPOLOGY_BENCH (path to topology_bench; default build/bin/topology_bench, then
# build-bench/bin/topology_bench), SETTLE (seconds to wait between peers for the kernel's
# asynchronous namespace cleanup, default 2), MININET_MAX (largest N Mininet is run at, default 300).
#
# Mininet safety. Mininet is run unmodified, but inside a namespace of ours
# (lab-benchmn-<pid>-<k>) whose /proc/sys is a read-only bind mount in ip netns exec's private
# mount namespace: its fixLimits() would otherwise raise host sysctls for good (net.core.*mem_max,
# neigh gc_thresh*, kernel.pty.max, ...), and its switch and ports would otherwise land in the
# host namespace. After every Mininet run the host namespace is checked for s1 / s1-eth* / h*-eth*
# devices and for Mininet host shells ("mininet:h*") that were not there before; any found is
# reported, and only those exact devices and processes are removed. `mn -c` is never run: it kills
# processes and deletes interfaces that are not its own.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
RUNS=${1:-5}
shift || true
SIZES=("$@")
((${#SIZES[@]})) || SIZES=(10 50 100)
SETTLE=${SETTLE:-2}
MININET_MAX=${MININET_MAX:-300}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [RUNS] [N...]" >&2; exit 1; }
for n in "${SIZES[@]}"; do
    if ! [[ $n =~ ^[0-9]+$ ]] || ((n < 2 || n > 1000)); then echo "$0: N=$n: need 2 <= N <= 1000" >&2; exit 1; fi
done

# ---- prerequisites: tell, never install --------------------------------------------------------
if [[ $(id -u) -ne 0 ]]; then
    echo "$0: builds network namespaces, so it needs root (try: sudo $0 $*)" >&2
    exit 2
fi
missing=0
need() {  # need COMMAND HOW-TO-GET-IT
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "$0: '$1' not found: $2" >&2
    missing=1
}
BENCH=${TOPOLOGY_BENCH:-}
if [[ -z $BENCH ]]; then
    for b in "$REPO/build/bin/topology_bench" "$REPO/build-bench/bin/topology_bench"; do
        [[ -x $b ]] && { BENCH=$b; break; }
    done
fi
if [[ -z $BENCH || ! -x $BENCH ]]; then
    echo "$0: topology_bench not built: cmake -S $REPO -B $REPO/build -G Ninja &&" \
         "cmake --build $REPO/build --target topology_bench (needs libbenchmark-dev)," \
         "or set TOPOLOGY_BENCH" >&2
    missing=1
fi
need ip "apt-get install iproute2"
need sysctl "apt-get install procps"
need jq "apt-get install jq"
need awk "apt-get install gawk"
((missing == 0)) || exit 2

MININET=1
if ! command -v mn >/dev/null 2>&1; then
    echo "$0: 'mn' not found: apt-get install mininet — the Mininet column is left out" >&2
    MININET=0
elif ! command -v brctl >/dev/null 2>&1; then
    echo "$0: 'brctl' not found (Mininet's --switch lxbr needs it): apt-get install bridge-utils" \
         "— the Mininet column is left out" >&2
    MININET=0
fi

# ---- bookkeeping -------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/run_topology_bench.XXXXXX)
MN_NS=""
cleanup() {
    if [[ -n $MN_NS && -e /run/netns/$MN_NS ]]; then ip netns del "$MN_NS" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The host sysctls Mininet's fixLimits() writes: they must read the same at the end.
WATCHED_SYSCTLS=(fs.file-max kernel.pty.max net.core.wmem_max net.core.rmem_max net.ipv4.tcp_rmem
                 net.ipv4.tcp_wmem net.core.netdev_max_backlog net.ipv4.neigh.default.gc_thresh1
                 net.ipv4.neigh.default.gc_thresh2 net.ipv4.neigh.default.gc_thresh3
                 net.ipv4.route.max_size)
host_sysctls() { local k; for k in "${WATCHED_SYSCTLS[@]}"; do echo "$k = $(sysctl -n "$k" 2>&1)"; done; }
host_sysctls >"$WORK/sysctls.before"

mininet_devices() { ip -br link | awk '{ sub(/@.*/, "", $1); print $1 }' | grep -E '^(s1|s1-eth[0-9]+|h[0-9]+-eth[0-9]+)$' | sort || true; }
mininet_shells() { pgrep -f '^bash --norc --noediting -is mininet:' | sort || true; }

median() {  # values on stdin, one a line
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan";
                     else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---- the three peers: each appends one time in ms to $WORK/<peer>.<n> --------------------------
run_lab() {
    local n=$1 out
    out=$("$BENCH" --benchmark_filter="^BM_TopologyBuildTeardown/hosts:$n/" --benchmark_format=json 2>"$WORK/lab.err") || {
        echo "topology_bench failed for N=$n:" >&2; cat "$WORK/lab.err" >&2; exit 1; }
    jq -e '.benchmarks[0] | select(.error_occurred | not)' >/dev/null <<<"$out" || {
        echo "topology_bench reported an error for N=$n:" >&2; jq -r '.benchmarks[0].error_message' <<<"$out" >&2; exit 1; }
    jq -r '.benchmarks[0].real_time' <<<"$out" >>"$WORK/lab.$n"
    jq -r '.benchmarks[0].build_ms' <<<"$out" >>"$WORK/labbuild.$n"
}

run_ip() {
    local n=$1 t0 t1
    t0=$(date +%s%N)
    "$HERE/ip_script_topology.sh" "$n" >"$WORK/ip.out" 2>&1 || {
        echo "ip_script_topology.sh $n failed:" >&2; cat "$WORK/ip.out" >&2; exit 1; }
    t1=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }' >>"$WORK/ip.$n"
}

MN_SERIAL=0
run_mininet() {
    local n=$1 before_dev before_sh after_dev after_sh new_dev new_sh times rc
    before_dev=$(mininet_devices)
    if [[ -n $before_dev ]]; then
        echo "$0: the host namespace already has Mininet-like devices (${before_dev//$'\n'/ }); they are" \
             "not ours, so Mininet is not run" >&2
        exit 1
    fi
    before_sh=$(mininet_shells)
    MN_NS="lab-benchmn-$$-$((MN_SERIAL++))"
    ip netns add "$MN_NS"
    # ip netns exec gives the command a private mount namespace (slave of /), so the read-only
    # /proc/sys below is seen by Mininet alone. Time taken around mn itself.
    set +e
    # shellcheck disable=SC2016  # expanded by the inner sh, from its arguments
    times=$(ip netns exec "$MN_NS" sh -c '
        mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys || exit 97
        t0=$(date +%s%N)
        mn --topo "single,$1" --switch lxbr --controller none --test none >"$2" 2>&1
        rc=$?
        t1=$(date +%s%N)
        echo "$rc $t0 $t1"' sh "$n" "$WORK/mn.log")
    rc=$?
    set -e
    # What Mininet may have left where it would normally have built: the host namespace.
    after_dev=$(mininet_devices)
    new_dev=$(comm -13 <(echo "$before_dev") <(echo "$after_dev") | grep . || true)
    if [[ -n $new_dev ]]; then
        echo "$0: Mininet single,$n left devices in the host namespace: ${new_dev//$'\n'/ }; deleting exactly those" >&2
        local d
        while read -r d; do ip link del "$d" 2>/dev/null || true; done <<<"$new_dev"
    fi
    after_sh=$(mininet_shells)
    new_sh=$(comm -13 <(echo "$before_sh") <(echo "$after_sh") | grep . || true)
    if [[ -n $new_sh ]]; then
        echo "$0: Mininet single,$n left host shells (pids ${new_sh//$'\n'/ }); killing exactly those" >&2
        local pid
        while read -r pid; do kill "$pid" 2>/dev/null || true; done <<<"$new_sh"
    fi
    local left
    left=$(ip -n "$MN_NS" -br link 2>/dev/null | awk '$1 != "lo" { sub(/@.*/, "", $1); print $1 }' || true)
    [[ -z $left ]] || echo "$0: Mininet single,$n left in its namespace $MN_NS: ${left//$'\n'/ } (removed with it)" >&2
    ip netns del "$MN_NS"
    MN_NS=""
    local mn_rc t0 t1
    read -r mn_rc t0 t1 <<<"$times" || true
    if [[ $rc -ne 0 || ${mn_rc:-1} -ne 0 ]]; then
        echo "$0: mn --topo single,$n failed (exit ${mn_rc:-$rc}); its output:" >&2
        cat "$WORK/mn.log" >&2
        exit 1
    fi
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }' >>"$WORK/mn.$n"
}

# ---- the run -----------------------------------------------------------------------------------
PEERS=(lab ip)
((MININET)) && PEERS+=(mininet)
for n in "${SIZES[@]}"; do
    for ((r = 0; r < RUNS; r++)); do
        # Take turns, so that no peer always runs right after another one's teardown.
        for ((p = 0; p < ${#PEERS[@]}; p++)); do
            peer=${PEERS[$(((p + r) % ${#PEERS[@]}))]}
            if [[ $peer == mininet ]] && ((n > MININET_MAX)); then continue; fi
            echo "N=$n run $((r + 1))/$RUNS: $peer" >&2
            "run_$peer" "$n"
            sleep "$SETTLE"
        done
    done
done

host_sysctls >"$WORK/sysctls.after"
if ! diff -u "$WORK/sysctls.before" "$WORK/sysctls.after" >&2; then
    echo "$0: WARNING: host sysctls changed during the run (above); nothing here wrote them" >&2
fi

# ---- the table ---------------------------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a == a + 0) printf "%.1f×", a / b; else print "—" }'; }
ms() { awk -v a="$1" 'BEGIN { if (a == a + 0) printf "%.0f", a; else print "—" }'; }

echo "Machine: Linux $(uname -r), $(nproc) CPUs, ${cpu:-unknown CPU}; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "Median of $RUNS runs per N (lab: each run the mean of 3 iterations of topology_bench)."
echo
echo "| N | lab (ms) | lab build only (ms) | ip script (ms) | mininet (ms) | ip/lab | mininet/lab |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in "${SIZES[@]}"; do
    lab=$(median <"$WORK/lab.$n")
    labbuild=$(median <"$WORK/labbuild.$n")
    ipt=$(median <"$WORK/ip.$n")
    mnt=""  # not run (no mn, or N above MININET_MAX): "—" in the table
    if [[ -s $WORK/mn.$n ]]; then mnt=$(median <"$WORK/mn.$n"); fi
    echo "| $n | $(ms "$lab") | $(ms "$labbuild") | $(ms "$ipt") | $(ms "$mnt") | $(ratio "$ipt" "$lab") | $(ratio "$mnt" "$lab") |"
done
echo
echo "Raw runs (ms):" >&2
for n in "${SIZES[@]}"; do
    for f in lab labbuild ip mn; do
        if [[ -s $WORK/$f.$n ]]; then echo "  N=$n $f: $(paste -sd' ' "$WORK/$f.$n")" >&2; fi
    done
done
