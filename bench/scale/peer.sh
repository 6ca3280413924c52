#!/usr/bin/env bash
# Connections per second on this machine, lab-client against a peer tool, in one run:
#   (a) lab-client --ping, no ramp: N connections as fast as its loop opens them (handshakes only), and
#   (b) Debian's ab: N requests at concurrency C, each its own connection (handshake, HTTP/1.0 request and
#       answer, close), against lab-server --mode http;
# both against lab-server in a second namespace over one veth pair. Prints both rates and their ratio.
# Needs root; makes two namespaces of its own (labscale-peer-*-PID) and removes them, and stops only the
# servers it started (by PID).   Rerun:  sudo bench/scale/peer.sh   (BIN=build/bin N=15000 C=100)
set -euo pipefail
BIN=${BIN:-build/bin}
N=${N:-15000}
C=${C:-100}
srv=labscale-peer-srv-$$
cli=labscale-peer-cli-$$
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$srv" 2>/dev/null || true
    ip netns del "$cli" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$srv"
ip netns add "$cli"
ip -n "$srv" link add eth0 type veth peer name eth0 netns "$cli"
ip -n "$srv" addr add 198.18.250.1/24 dev eth0
ip -n "$cli" addr add 198.18.250.2/24 dev eth0
for ns in "$srv" "$cli"; do ip -n "$ns" link set lo up; ip -n "$ns" link set eth0 up; done
ip netns exec "$cli" sh -c 'echo "1024 65535" > /proc/sys/net/ipv4/ip_local_port_range'
ip netns exec "$srv" sh -c 'echo 65535 > /proc/sys/net/core/somaxconn; echo 65536 > /proc/sys/net/ipv4/tcp_max_syn_backlog'

ip netns exec "$srv" "$BIN/lab-server" --port 7000 --backlog 65535 --mode echo --per-second --deadline 300s >/dev/null &
pids+=($!)
ip netns exec "$srv" "$BIN/lab-server" --port 7001 --backlog 65535 --mode http --per-second --deadline 300s >/dev/null &
pids+=($!)
sleep 0.5

start=$(date +%s.%N)
ip netns exec "$cli" "$BIN/lab-client" --target 198.18.250.1:7000 --connections "$N" --ping 600s --hold 0s \
    --deadline 120s >/tmp/labscale-peer-$$.client
end=$(date +%s.%N)
ok=$(python3 -c "import json,sys; print([json.loads(l) for l in open('/tmp/labscale-peer-$$.client')][-1]['connects_ok'])")
rm -f /tmp/labscale-peer-$$.client
lab_rate=$(python3 -c "print(round($ok / ($end - $start)))")

ab_out=$(ip netns exec "$cli" ab -q -n "$N" -c "$C" http://198.18.250.1:7001/ 2>&1)
ab_rate=$(echo "$ab_out" | awk '/^Requests per second/ {print $4}')
ab_failed=$(echo "$ab_out" | awk '/^Failed requests/ {print $3}')

echo "lab-client --ping: $ok of $N connections in $(python3 -c "print(round($end - $start, 2))") s: $lab_rate connections/s (handshakes, closed at exit)"
echo "ab -n $N -c $C:    $ab_rate requests/s, $ab_failed failed (one connection per request: handshake, request, answer, close)"
python3 -c "print(f'ratio lab-client / ab: {$lab_rate / $ab_rate:.2f}')"
