#!/usr/bin/env python3
"""Runs a connscale scenario under lab while watching the machine, then prints the numbers for RESULTS.md.

  sudo python3 bench/scale/run.py scenarios/scale/connscale-100k.toml [--lab build/bin/lab] [--limit-mib 18432]

Every second: memory used (free's "used"), kernel slab (SUnreclaim), TCP sockets in use summed over the
run's namespaces (/proc/PID/net/sockstat of one agent per namespace: no `ip netns exec`, whose fork and
mounts per namespace per second would load the machine under test), TCP buffer pages (sockstat "mem",
machine-wide) and the agents' RSS (lab's child processes). Above --limit-mib used it interrupts lab (SIGINT to its PID, which
ends the run and removes its namespaces) and reports how far it got. Afterwards it reads record.json:
connections held (per-second series), ramp rate, ping RTT percentiles, and the per-connection memory.
Writes samples.csv and summary.json into the run's directory.
"""
import argparse, csv, json, os, signal, subprocess, sys, time
from pathlib import Path


def meminfo():
    out = {}
    for line in open("/proc/meminfo"):
        k, v = line.split(":", 1)
        out[k] = int(v.split()[0])  # KiB
    return out


def used_mib(mi):
    return (mi["MemTotal"] - mi["MemFree"] - mi["Buffers"] - mi["Cached"] - mi["SReclaimable"]) // 1024


def sockstat_tcp():
    return sockstat_tcp_file("/proc/net/sockstat")


def sockstat_tcp_file(path):
    for line in open(path):
        if line.startswith("TCP:"):
            f = line.split()[1:]
            return {f[i]: int(f[i + 1]) for i in range(0, len(f) - 1, 2)}
    return {}


def descendants(pid):
    r = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,rss=,comm="], capture_output=True, text=True)
    rows = [l.split(None, 3) for l in r.stdout.splitlines()]
    kids, out = {pid}, []
    changed = True
    while changed:
        changed = False
        for p, pp, rss, comm in rows:
            if int(pp) in kids and int(p) not in kids:
                kids.add(int(p)); out.append((int(p), int(rss), comm)); changed = True
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("--lab", default="build/bin/lab")
    ap.add_argument("--out", default="/tmp/lab-scale-bench")
    ap.add_argument("--limit-mib", type=int, default=18432)
    a = ap.parse_args()

    mi0 = meminfo()
    base = {"used": used_mib(mi0), "slab_kib": mi0["SUnreclaim"]}
    t0 = time.monotonic()
    lab = subprocess.Popen([a.lab, "run", "-q", "--out", a.out, a.scenario], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    samples, aborted, peak = [], None, {}
    while lab.poll() is None:
        time.sleep(1)
        agents = [d for d in descendants(lab.pid) if d[2].startswith("lab-")]
        inuse, seen = 0, set()
        for pid, _, _ in agents:
            try:
                ns = os.readlink(f"/proc/{pid}/ns/net")
                if ns in seen:
                    continue
                inuse += sockstat_tcp_file(f"/proc/{pid}/net/sockstat").get("inuse", 0)
                seen.add(ns)
            except OSError:
                continue  # the agent has just exited
        mi = meminfo()
        row = {"t": round(time.monotonic() - t0, 1), "used_mib": used_mib(mi), "slab_kib": mi["SUnreclaim"],
               "tcp_inuse": inuse, "tcp_mem_pages": sockstat_tcp().get("mem", 0),
               "agents_rss_kib": sum(d[1] for d in agents), "agents": len(agents)}
        samples.append(row)
        print(json.dumps(row), flush=True)
        if row["tcp_inuse"] > peak.get("tcp_inuse", -1):
            peak = row
        if row["used_mib"] > a.limit_mib and aborted is None:
            aborted = row
            print(f"run.py: {row['used_mib']} MiB used > {a.limit_mib}: interrupting lab (pid {lab.pid})", flush=True)
            lab.send_signal(signal.SIGINT)
    out = lab.stdout.read()
    runs = sorted(Path(a.out).rglob("record.json"), key=lambda p: p.stat().st_mtime)
    record = json.load(open(runs[-1])) if runs else None
    run_dir = runs[-1].parent if runs else Path(a.out)
    with open(run_dir / "samples.csv", "w", newline="") as f:
        if samples:
            w = csv.DictWriter(f, fieldnames=list(samples[0].keys())); w.writeheader(); w.writerows(samples)

    summary = {"scenario": a.scenario, "lab_exit": lab.returncode, "aborted_at": aborted, "baseline": base,
               "peak_tcp_inuse_sample": peak}
    if record:
        # Per second over all clients: established summed at each report (samples are per process and not
        # aligned, so sum each process's value at the nearest whole second).
        est, conn, rtt_p99 = {}, {}, []
        agents = [p for p in record["processes"] if p.get("series")]
        for p in agents:
            # One value per process and whole second (its last line in that second) for the gauge; the
            # counts add up whatever the alignment.
            last = {}
            for s in p["series"]:
                sec = int(s["t"])
                v = s["values"]
                if "connects_ok" in v:
                    last[sec] = v.get("established", 0)
                    conn[sec] = conn.get(sec, 0) + v["connects_ok"]
            for sec, n in last.items():
                est[sec] = est.get(sec, 0) + n
        summ = [e for e in record["events"] if e["op"] == "summary"]
        clients = [e for e in summ if e["agent"] == "client"]
        def total(field):
            return sum(e["values"].get(field, 0) for e in clients)
        ramp_secs = [s for s, n in sorted(conn.items()) if n > 0]
        summary.update({
            "held_max": max(est.values()) if est else 0,
            "established_max_sum": total("established_max"),
            "connects_ok": total("connects_ok"), "connects_failed": total("connects_failed"),
            "pings": total("pings"), "pongs": total("pongs"), "ping_timeouts": total("ping_timeouts"),
            "ramp_seconds": len(ramp_secs),
            "ramp_rate_mean_per_s": round(total("connects_ok") / max(1, len(ramp_secs))),
            "ramp_rate_peak_per_s": max(conn.values()) if conn else 0,
            # the clients' whole-run histograms are not merged in the record: the largest client p99 bounds it
            "rtt_p99_us_max_over_clients": max((e["values"].get("rtt_us.p99", 0) for e in clients), default=0),
            "rtt_p50_us_max_over_clients": max((e["values"].get("rtt_us.p50", 0) for e in clients), default=0),
            "connect_p99_us_max_over_clients": max((e["values"].get("connect_us.p99", 0) for e in clients), default=0),
            "verdicts": {v["id"]: v["status"] for v in record.get("verdicts", [])},
            "wall_seconds": record["run"]["wall_seconds"],
        })
        if peak and peak.get("tcp_inuse"):
            n = peak["tcp_inuse"]
            summary["per_socket"] = {
                "used_bytes": round((peak["used_mib"] - base["used"]) * 1048576 / n),
                "slab_bytes": round((peak["slab_kib"] - base["slab_kib"]) * 1024 / n),
                "agents_rss_bytes": round(peak["agents_rss_kib"] * 1024 / n),
            }
    print(out[-3000:])
    print(json.dumps(summary, indent=1))
    json.dump(summary, open(run_dir / "summary.json", "w"), indent=1)


if __name__ == "__main__":
    main()
