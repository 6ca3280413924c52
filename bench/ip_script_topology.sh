#!/usr/bin/env bash
# ip_script_topology.sh N — the topology of bench/topology_bench.cpp, the way one would write it
# by hand with iproute2: N host namespaces and a switch namespace holding bridge br0, one veth per
# host (eth0 in the host, br0p<i> on the bridge), 198.18.0.0 + i on each eth0 (/24 up to 253
# hosts; beyond, the smallest prefix holding them all, /22 for 1000), every link up,
# net.ipv4.tcp_syncookies=0 in each host (through `ip netns exec NS sysctl -w`), then everything
# deleted again.
#
# Prints "build_ms=B teardown_ms=T total_ms=B+T" on stdout. Root only (exit 2 otherwise).
# Namespaces are lab-benchsh-<pid>-h<i> and lab-benchsh-<pid>--switch, so `lab clean` finds what
# a `kill -9` leaves; any other way out removes them through the EXIT trap.
set -euo pipefail

usage() { echo "usage: $0 N   (1 <= N <= 1000 hosts on one bridge, which takes at most 1024 ports)" >&2; exit 1; }
[[ $# -eq 1 && $1 =~ ^[0-9]+$ ]] || usage
N=$1
((N >= 1 && N <= 1000)) || usage
LEN=24
while (((1 << (32 - LEN)) < N + 2)); do ((LEN--)); done
if [[ $(id -u) -ne 0 ]]; then
    echo "$0: creates network namespaces, so it needs root (try: sudo $0 $N)" >&2
    exit 2
fi
command -v ip >/dev/null || { echo "$0: 'ip' not found: apt-get install iproute2" >&2; exit 2; }
command -v sysctl >/dev/null || { echo "$0: 'sysctl' not found: apt-get install procps" >&2; exit 2; }

PREFIX="lab-benchsh-$$"
SW="$PREFIX--switch"
NAMESPACES=("$SW")
for ((i = 1; i <= N; i++)); do NAMESPACES+=("$PREFIX-h$i"); done

# Removes only this run's namespaces, and only those that exist; the devices go with them.
cleanup() {
    local ns
    for ns in "${NAMESPACES[@]}"; do
        if [[ -e /run/netns/$ns ]]; then ip netns del "$ns" 2>/dev/null || true; fi
    done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ns() { date +%s%N; }

t0=$(now_ns)

# Namespaces, loopbacks up, the per-host sysctl.
ip netns add "$SW"
for ((i = 1; i <= N; i++)); do
    h="$PREFIX-h$i"
    ip netns add "$h"
    ip -n "$h" link set lo up
    ip netns exec "$h" sysctl -q -w net.ipv4.tcp_syncookies=0
done

# The bridge, and one veth per host: eth0 in the host, br0p<i> enslaved to br0.
ip -n "$SW" link add br0 type bridge
for ((i = 1; i <= N; i++)); do
    ip -n "$SW" link add "br0p$i" type veth peer name eth0 netns "$PREFIX-h$i"
    ip -n "$SW" link set "br0p$i" master br0
done

# Addresses.
for ((i = 1; i <= N; i++)); do
    ip -n "$PREFIX-h$i" addr add "198.18.$((i / 256)).$((i % 256))/$LEN" dev eth0
done

# Links up: the switch side first, then each host's end.
ip -n "$SW" link set br0 up
for ((i = 1; i <= N; i++)); do ip -n "$SW" link set "br0p$i" up; done
for ((i = 1; i <= N; i++)); do ip -n "$PREFIX-h$i" link set eth0 up; done

t1=$(now_ns)

for ((i = N; i >= 1; i--)); do ip netns del "$PREFIX-h$i"; done
ip netns del "$SW"

t2=$(now_ns)

awk -v a="$t0" -v b="$t1" -v c="$t2" \
    'BEGIN { printf "build_ms=%.1f teardown_ms=%.1f total_ms=%.1f\n", (b - a) / 1e6, (c - b) / 1e6, (c - a) / 1e6 }'
