// Start a program inside a lab namespace and reap it, the way `lab run` starts every agent and every
// copy of a command (`copies = 100` of nc): lab::sys::Process::spawn (Boost.Process with
// vfork, setns, PDEATHSIG, close_range, redirections) against the same steps done after a plain
// fork(). Both run /bin/true, so the time is the start itself plus exec and exit.
//
// The argument is how much memory the parent has touched (MiB): fork() copies the parent's page
// tables and the child's first writes fault pages in, so its cost grows with the lab's size (an ASan
// build of lab is several hundred MiB after a few repeats); vfork() shares them and does not grow.
// bench/run_spawn_bench.sh runs this beside `ip netns exec` in a shell loop; results in
// bench/RESULTS.md.
//
// Needs root. The namespace is named lab-bench-<pid>-spawn, so `lab clean` removes it after a crash.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "bench/root_benchmark_main.hpp"
#include "runner/netns.hpp"
#include "sys/process.hpp"

namespace {

using lab::runner::Netns;
using lab::sys::Process;
using lab::sys::ProcessSpec;

Netns& bench_netns() {
    static Netns ns = Netns::create(fmt::format("lab-bench-{}-spawn", ::getpid()));
    return ns;
}

// Touches `mib` MiB so that they are mapped in the parent, as a grown lab's heap is.
std::vector<char> ballast(std::int64_t mib) {
    std::vector<char> memory(static_cast<std::size_t>(mib) << 20);
    for (std::size_t i = 0; i < memory.size(); i += 4096) memory[i] = 1;
    return memory;
}

ProcessSpec true_spec() {
    ProcessSpec spec;
    spec.executable = "/bin/true";
    spec.argv = {"/bin/true"};
    spec.netns_fd = bench_netns().fd();
    return spec;
}

void BM_LaunchVfork(benchmark::State& state) {
    auto memory = ballast(state.range(0));
    const ProcessSpec spec = true_spec();
    for (auto _ : state) {
        Process child = Process::spawn(spec);
        while (!child.poll()) ::usleep(50);
        if (child.end()->exit_code != 0) state.SkipWithError("/bin/true did not exit 0");
    }
    benchmark::DoNotOptimize(memory.data());
}

// The same steps after fork(), with the same redirections, for comparison.
void BM_LaunchFork(benchmark::State& state) {
    auto memory = ballast(state.range(0));
    const int netns_fd = bench_netns().fd();
    for (auto _ : state) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || setns(netns_fd, CLONE_NEWNET) != 0) _exit(127);
            const int null = ::open("/dev/null", O_RDWR);
            ::dup2(null, 0);
            ::dup2(null, 1);
            ::dup2(null, 2);
            ::execl("/bin/true", "/bin/true", static_cast<char*>(nullptr));
            _exit(127);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) state.SkipWithError("forked /bin/true did not exit 0");
    }
    benchmark::DoNotOptimize(memory.data());
}

BENCHMARK(BM_LaunchVfork)->ArgName("parent_mib")->Arg(0)->Arg(256)->Arg(1024)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_LaunchFork)->ArgName("parent_mib")->Arg(0)->Arg(256)->Arg(1024)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
    return lab::bench::run_root_benchmark(argc, argv, "creates a network namespace");
}
