// Build and tear down N hosts on one switch with lab's runner (lab::runner::Topology), for
// N = 10, 50, 100, 200, 1000: one namespace per host, a bridge in a switch namespace, one veth per
// host, an address on each (198.18.0.<i>/24 up to 253 hosts; beyond, the smallest prefix that
// holds them all, 198.18.0.0/22 for 1000), every link up, one per-namespace sysctl per host.
// A bridge takes at most 1024 ports (BR_MAX_PORTS), so 1000 hosts still fit one switch.
//
// The time of an iteration is build + teardown (the destructor removing the namespaces); the
// counters build_ms and teardown_ms split it. bench/ip_script_topology.sh builds the same network
// with `ip`, and bench/run_topology_bench.sh runs both beside Mininet; results in bench/RESULTS.md.
//
// Needs root. Namespaces are named lab-bench-<pid>-<n>..., so whatever a killed run leaves is
// found and removed by `lab clean`.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "bench/root_benchmark_main.hpp"
#include "runner/topology.hpp"

namespace {

using lab::runner::Topology;
using lab::runner::TopologySpec;

// The prefix of one subnet holding `hosts` addresses plus network and broadcast: /24 up to 253
// hosts (so small N builds exactly what bench/ip_script_topology.sh builds), longer beyond.
int star_prefix_length(int hosts) {
    int prefix = 24;
    while ((1 << (32 - prefix)) < hosts + 2) --prefix;
    return prefix;
}

// N hosts h1..hN, host i with eth0 = 198.18.0.0 + i, all on one segment (so one bridge).
TopologySpec star_spec(const std::string& prefix, int hosts) {
    TopologySpec spec;
    spec.prefix = prefix;
    TopologySpec::Segment lan{.name = "lan", .ends = {}};
    const int length = star_prefix_length(hosts);
    for (int i = 1; i <= hosts; ++i) {
        const std::string name = fmt::format("h{}", i);
        spec.hosts.push_back({.name = name,
                              .netns_name = fmt::format("{}-{}", prefix, name),
                              .sysctls = {{.key = "net.ipv4.tcp_syncookies", .value = "0"}}});
        lan.ends.push_back({.host = name, .ifname = "eth0", .cidr = fmt::format("198.18.{}.{}/{}", i / 256, i % 256, length)});
    }
    spec.segments.push_back(std::move(lan));
    return spec;
}

// Unique per iteration, so a namespace whose removal the kernel is still finishing never
// collides with the next build.
std::string next_prefix() {
    static unsigned serial = 0;
    return fmt::format("lab-bench-{}-{}", ::getpid(), serial++);
}

void BM_TopologyBuildTeardown(benchmark::State& state) {
    const int hosts = static_cast<int>(state.range(0));
    double build_s = 0;
    double teardown_s = 0;
    for (auto _ : state) {
        const TopologySpec spec = star_spec(next_prefix(), hosts);
        const auto t0 = std::chrono::steady_clock::now();
        std::chrono::steady_clock::time_point t1;
        try {
            Topology topo = Topology::build(spec);
            t1 = std::chrono::steady_clock::now();
            benchmark::DoNotOptimize(topo.ports().size());
        } catch (const std::exception& e) {  // build() already removed what it had made
            state.SkipWithError(e.what());
            break;
        }
        const auto t2 = std::chrono::steady_clock::now();
        build_s += std::chrono::duration<double>(t1 - t0).count();
        teardown_s += std::chrono::duration<double>(t2 - t1).count();
        state.SetIterationTime(std::chrono::duration<double>(t2 - t0).count());
    }
    state.counters["hosts"] = hosts;
    state.counters["build_ms"] = benchmark::Counter(build_s * 1e3, benchmark::Counter::kAvgIterations);
    state.counters["teardown_ms"] = benchmark::Counter(teardown_s * 1e3, benchmark::Counter::kAvgIterations);
}

BENCHMARK(BM_TopologyBuildTeardown)
    ->ArgName("hosts")
    ->Arg(10)
    ->Arg(50)
    ->Arg(100)
    ->Arg(200)
    ->Arg(1000)
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    return lab::bench::run_root_benchmark(argc, argv, "builds network namespaces, veths and bridges");
}
