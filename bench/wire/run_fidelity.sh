#!/usr/bin/env bash
# Fidelity and cost of lab-wire (the userspace impairment backend), measured through
#   labwire-bench-h1 (198.18.0.1) <veth> labwire-bench-mid [lab-wire] <veth> labwire-bench-h2 (198.18.0.2)
# Needs root, iputils-ping and iperf3 (apt), and a build in build-wire:
#   cmake -S . -B build-wire -G Ninja && ninja -C build-wire lab-wire
# Writes one JSON line per measurement to bench/wire/results/fidelity.jsonl and a Markdown summary
# to stdout. Every load is bounded in count and time; everything created is removed on exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-$ROOT/build-wire}
WIRE=$BUILD/bin/lab-wire
BLAST=$BUILD/bench-wire/udp_blast
OUT=$HERE/results
RESULTS=$OUT/fidelity.jsonl
TMP=$(mktemp -d /tmp/labwire-bench.XXXXXX)
. "$HERE/topology.sh"

for tool in ping iperf3 python3; do command -v $tool >/dev/null || { echo "missing $tool (apt-get install iputils-ping iperf3)"; exit 1; }; done
[[ -x $WIRE ]] || { echo "build lab-wire first: ninja -C $BUILD lab-wire"; exit 1; }
mkdir -p "$BUILD/bench-wire" "$OUT"
c++ -O2 -std=c++20 -Wall -Wextra -Werror -o "$BLAST" "$HERE/udp_blast.cpp"

WIRE_PID=""
cleanup() {
    if [[ -n $WIRE_PID ]]; then kill -TERM "$WIRE_PID" 2>/dev/null || true; wait "$WIRE_PID" 2>/dev/null || true; fi
    topology_down
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
trap 'echo "run_fidelity.sh: failed at line $LINENO" >&2; [[ -f $TMP/wire.out ]] && cat "$TMP/wire.out" >&2' ERR

topology_down
topology_up
: > "$RESULTS"

# SECTIONS="delay oneway loss tcp rate pps" (default: all) picks what to run.
SECTIONS=${SECTIONS:-delay oneway loss tcp rate pps}
want() { [[ " $SECTIONS " == *" $1 "* ]]; }

start_wire() {  # A2B_SPEC B2A_SPEC
    ip netns exec $NS_MID "$WIRE" --a a --b b --a2b "$1" --b2a "$2" --seed 4242 > "$TMP/wire.out" 2>&1 &
    WIRE_PID=$!
    sleep 0.3
    kill -0 "$WIRE_PID"
}
stop_wire() {  # prints the wire's summary lines
    kill -TERM "$WIRE_PID"; wait "$WIRE_PID" || true; WIRE_PID=""
    grep '"summary"' "$TMP/wire.out"
}
cpu_ticks() { awk '{print $14+$15}' /proc/"$WIRE_PID"/stat; }
record() { echo "$1" >> "$RESULTS"; }
py() { python3 - "$@"; }

# Netns-local TCP buffers large enough for 1 Gbit/s x 40 ms RTT (5 MB); only in the bench namespaces.
tcp_buffers() {  # MAX_BYTES
    for ns in $NS_H1 $NS_H2; do ip netns exec $ns sysctl -qw net.ipv4.tcp_rmem="4096 131072 $1" net.ipv4.tcp_wmem="4096 16384 $1"; done
}

udp_run() {  # RATE COUNT SECONDS PAYLOAD -> receiver JSON on stdout, sender JSON in $TMP/send.json
    ip netns exec $NS_H2 timeout $(( $3 + 15 )) "$BLAST" recv 9000 1 $(( $3 + 10 )) > "$TMP/recv.out" &
    local rpid=$!
    sleep 0.3
    ip netns exec $NS_H1 timeout $(( $3 + 5 )) "$BLAST" send $H2_ADDR 9000 "$1" "$2" "$3" "$4" > "$TMP/send.json"
    wait $rpid
    tail -1 "$TMP/recv.out"
}

iperf_run() {  # SECONDS -> iperf3 JSON in $TMP/iperf.json
    ip netns exec $NS_H2 timeout $(( $1 + 30 )) iperf3 -s -1 -p 5201 > /dev/null 2>&1 &
    local spid=$!
    sleep 0.5
    ip netns exec $NS_H1 timeout $(( $1 + 25 )) iperf3 -c $H2_ADDR -p 5201 -t "$1" -J > "$TMP/iperf.json" || true
    wait $spid || true
}
iperf_mbps() { py "$TMP/iperf.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["end"]
print(f'{e["sum_received"]["bits_per_second"]/1e6:.1f} {e["sum_sent"].get("retransmits", 0)}')
PY
}

echo "## lab-wire fidelity ($(date -u +%Y-%m-%d), $(uname -r), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"

# 1. Delay: RTT with ping every 10 ms, the same delay each way.
if want delay; then
echo; echo "### Delay (RTT, ping -i 0.01, delay each way)"
echo "| delay each way | configured RTT | count | p50 RTT | p99 RTT | p99 - configured | wire sched error p99 (a2b) |"
echo "|---|---|---|---|---|---|---|"
for d in 0 1 10 50 200; do
    spec=$([[ $d == 0 ]] && echo none || echo "delay=${d}ms")
    start_wire "$spec" "$spec"
    count=$([[ $d -ge 200 ]] && echo 300 || echo 1000)
    ip netns exec $NS_H1 timeout 60 ping -q -c 3 -i 0.01 $H2_ADDR > /dev/null || true  # ARP
    ip netns exec $NS_H1 timeout 60 ping -n -c $count -i 0.01 $H2_ADDR > "$TMP/ping.out" || true
    summary=$(stop_wire)
    py "$d" "$TMP/ping.out" "$summary" <<'PY' | { read -r row; read -r json; echo "$row"; echo "$json" >> "$RESULTS"; }
import json, re, sys
d = float(sys.argv[1]); lines = open(sys.argv[2]).read()
rtt = sorted(float(x) for x in re.findall(r"time=([\d.]+) ms", lines))
q = lambda p: rtt[min(len(rtt) - 1, max(0, int(round(p * len(rtt) + 0.5)) - 1))]
a2b = json.loads(sys.argv[3].splitlines()[0])
rec = {"test": "delay", "delay_ms": d, "count": len(rtt), "rtt_p50_ms": q(0.5), "rtt_p99_ms": q(0.99),
       "wire_sched_error_p99_us": a2b["sched_error_us"]["p99"]}
print(f'| {d:g} ms | {2*d:g} ms | {len(rtt)} | {q(0.5):.3f} ms | {q(0.99):.3f} ms | {q(0.99)-2*d:+.3f} ms | {a2b["sched_error_us"]["p99"]} us |'); print(json.dumps(rec))
PY
done
fi

# 2. Delay error at 10k pps (one-way, UDP, timestamps from the shared CLOCK_MONOTONIC), with jitter spread.
if want oneway; then
echo; echo "### One-way delay at 10k pps (UDP, 64-byte payload, 5 s)"
echo "| a2b spec | received | one-way p50 | one-way p99 | p99 - configured | wire sched error p50 / p99 | reordered |"
echo "|---|---|---|---|---|---|---|"
for spec in "delay=10ms" "delay=10ms,jitter=2ms:normal" "delay=10ms,jitter=2ms:uniform" "delay=10ms,jitter=2ms:pareto"; do
    start_wire "$spec" none
    recv=$(udp_run 10000 50000 5 64)
    summary=$(stop_wire)
    py "$spec" "$recv" "$summary" <<'PY' | { read -r row; read -r json; echo "$row"; echo "$json" >> "$RESULTS"; }
import json, sys
spec, r = sys.argv[1], json.loads(sys.argv[2]); a2b = json.loads(sys.argv[3].splitlines()[0])
se = a2b["sched_error_us"]
rec = {"test": "oneway_10kpps", "spec": spec, **r, "wire_sched_error_us": se}
print(f'| {spec} | {r["received"]} | {r["delay_ms"]["p50"]:.3f} ms | {r["delay_ms"]["p99"]:.3f} ms | {r["delay_ms"]["p99"]-10:+.3f} ms | {se["p50"]} / {se["p99"]} us | {r["reordered"]} |'); print(json.dumps(rec))
PY
done
fi

# 3. Loss: a2b only, 20000 datagrams at 10k pps; binomial 99% interval (Wilson) around the configured rate.
if want loss; then
echo; echo "### Loss (a2b, 20000 UDP datagrams at 10k pps)"
echo "| configured | observed | 99% interval for n=20000 | inside | GE model |"
echo "|---|---|---|---|---|"
for spec in "loss=0.1%" "loss=1%" "loss=5%" "loss=10%" "loss=20%" "loss=30%" "loss=gemodel:1%:25%:100%:0%"; do
    start_wire "$spec" none
    recv=$(udp_run 10000 20000 4 64)
    sent=$(py "$TMP/send.json" <<'PY'
import json, sys; print(json.load(open(sys.argv[1]))["sent"])
PY
)
    summary=$(stop_wire)
    py "$spec" "$recv" "$sent" <<'PY' | { read -r row; read -r json; echo "$row"; echo "$json" >> "$RESULTS"; }
import json, math, sys
spec, r, n = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
if "gemodel" in spec:
    p = 0.01 / (0.01 + 0.25)  # stationary share of frames sent in the bad state (all lost there)
else:
    p = float(spec.split("=")[1].rstrip("%")) / 100
lost = n - r["received"]; obs = lost / n
z = 2.576
# Interval for the observed share if the true rate is p (normal approximation, continuity-corrected).
half = z * math.sqrt(p * (1 - p) / n) + 0.5 / n
lo, hi = max(0.0, p - half), min(1.0, p + half)
inside = lo <= obs <= hi
note = "expected %.2f%% (stationary bad share)" % (100 * p) if "gemodel" in spec else ""
rec = {"test": "loss", "spec": spec, "sent": n, "received": r["received"], "observed": obs, "interval99": [lo, hi], "inside": inside}
print(f'| {spec} | {100*obs:.3f}% ({lost}/{n}) | [{100*lo:.3f}%, {100*hi:.3f}%] | {"yes" if inside else "NO"} | {note} |'); print(json.dumps(rec))
PY
done
fi

# 4. TCP through 20 ms each way (iperf3, 8 s), with the hosts' default and with larger TCP buffers,
#    and with the hosts' offloads off (the alternative to PACKET_VNET_HDR).
if want tcp; then
echo; echo "### TCP through delay=20ms each way (iperf3 -t 8, h1 -> h2)"
echo "| setup | Mbit/s | retransmits | wire CPU (share of one core) |"
echo "|---|---|---|---|"
tcp_case() {  # LABEL SPEC
    start_wire "$2" "$2"
    t0=$(cpu_ticks); s0=$(date +%s.%N)
    iperf_run 8
    t1=$(cpu_ticks); s1=$(date +%s.%N)
    stop_wire > /dev/null
    read -r mbps retr < <(iperf_mbps)
    cpu=$(py "$t0" "$t1" "$s0" "$s1" <<'PY'
import os, sys; t0, t1, s0, s1 = map(float, sys.argv[1:]); print(f"{(t1-t0)/os.sysconf('SC_CLK_TCK')/(s1-s0):.2f}")
PY
)
    echo "| $1 | $mbps | $retr | $cpu |"
    record "{\"test\":\"tcp_20ms\",\"setup\":\"$1\",\"mbps\":$mbps,\"retransmits\":$retr,\"wire_cpu\":$cpu}"
}
tcp_buffers 6291456
tcp_case "offloads on (vnet header), default TCP buffers (6 MB), limit=1000" "delay=20ms"
tcp_buffers 33554432
tcp_case "offloads on (vnet header), 32 MB TCP buffers, limit=1000" "delay=20ms"
tcp_case "offloads on (vnet header), 32 MB TCP buffers, limit=10000" "delay=20ms,limit=10000"
offloads() { ip netns exec $NS_H1 ethtool -K h1 tso $1 gso $1 >/dev/null; ip netns exec $NS_H2 ethtool -K h2 tso $1 gso $1 >/dev/null; }
offloads off
tcp_case "TSO/GSO off on h1 and h2, 32 MB TCP buffers, limit=10000" "delay=20ms,limit=10000"
offloads on
fi

# 5. Rate: TCP through rate-limited a2b (limit sized to ~100 ms of queue, at least 20 frames).
if want rate; then
echo; echo "### Rate (a2b rate, iperf3 -t 10, 32 MB buffers)"
echo "| configured | limit | achieved Mbit/s | achieved / configured | retransmits |"
echo "|---|---|---|---|---|"
for rate in 1 10 100 1000; do
    limit=$(( rate * 100000 / 12000 )); (( limit < 20 )) && limit=20
    spec="rate=${rate}mbit,limit=$limit"
    start_wire "$spec" none
    iperf_run 10
    stop_wire > /dev/null
    read -r mbps retr < <(iperf_mbps)
    ratio=$(py "$mbps" "$rate" <<'PY'
import sys; print(f"{float(sys.argv[1])/float(sys.argv[2]):.3f}")
PY
)
    echo "| ${rate} mbit | $limit | $mbps | $ratio | $retr |"
    record "{\"test\":\"rate\",\"rate_mbit\":$rate,\"limit\":$limit,\"mbps\":$mbps,\"ratio\":$ratio,\"retransmits\":$retr}"
done
fi

# 6. Forwarding cost: small UDP (18-byte payload, 60-byte frames) at fixed offered rates and flat out, 4 s each.
if want pps; then
echo; echo "### Forwarding rate, small UDP frames (no impairment, 4 s per row)"
echo "| offered pps | sent pps | received pps | loss | wire CPU (share of one core) | wire sched error p99 |"
echo "|---|---|---|---|---|---|"
start_wire none none
for rate in 10000 50000 100000 150000 200000 0; do
    t0=$(cpu_ticks); s0=$(date +%s.%N)
    recv=$(udp_run $rate 1200000 4 18)
    t1=$(cpu_ticks); s1=$(date +%s.%N)
    py "$rate" "$recv" "$TMP/send.json" "$t0" "$t1" "$s0" "$s1" <<'PY' | { read -r row; read -r json; echo "$row"; echo "$json" >> "$RESULTS"; }
import json, os, sys
rate = int(sys.argv[1]); r = json.loads(sys.argv[2]); s = json.load(open(sys.argv[3]))
t0, t1, s0, s1 = map(float, sys.argv[4:8])
cpu = (t1 - t0) / os.sysconf("SC_CLK_TCK") / (s1 - s0)
rx_pps = r["received"] / s["elapsed_s"]
loss = 1 - r["received"] / s["sent"]
rec = {"test": "pps", "offered": rate or "max", "sent_pps": s["pps"], "received_pps": rx_pps, "loss": loss, "wire_cpu": cpu}
print(f'| {rate or "max"} | {s["pps"]:.0f} | {rx_pps:.0f} | {100*loss:.2f}% | {cpu:.2f} | |'); print(json.dumps(rec))
PY
done
summary=$(stop_wire)
echo "(wire scheduling error over the whole pps run: $(py "$summary" <<'PY'
import json, sys; print(json.loads(sys.argv[1].splitlines()[0])["sched_error_us"])
PY
))"
fi

echo; echo "raw: $RESULTS"
