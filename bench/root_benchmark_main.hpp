#pragma once
// main() of a benchmark that builds kernel objects: refuse without root, saying why, then run
// Google Benchmark as usual.
#include <unistd.h>

#include <cstdio>

#include <benchmark/benchmark.h>

namespace lab::bench {

inline int run_root_benchmark(int argc, char** argv, const char* what_needs_root) {
    if (::geteuid() != 0) {
        std::fprintf(stderr, "%s: %s, so it needs root (try: sudo %s)\n", argv[0], what_needs_root, argv[0]);
        return 2;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

}  // namespace lab::bench
