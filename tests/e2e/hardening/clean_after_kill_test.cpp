// `kill -9` of lab at any moment, then `lab clean`: nothing of the run is left anywhere — no namespace, no
// process (the programs, what they started, the lab-wire), no cgroup, and nothing under /run/lab.
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>

#include "lab_invocation.hpp"

namespace lab::hardening_test {
namespace {

// Everything a run can leave behind, as names, so that a kill's leftovers are what appeared since before.
struct Traces {
    std::set<std::string> namespaces, markers, wire_controls, cgroups;
    bool operator==(const Traces&) const = default;
};

std::set<std::string> names_in(const fs::path& dir) {
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (!e.path().filename().string().starts_with("cgroup.") && e.path().filename().string().find('.') == std::string::npos)
            out.insert(e.path().filename().string());
    return out;
}

Traces traces() {
    Traces t;
    t.namespaces = lab_namespaces();
    t.markers = names_in("/run/lab/runs");
    t.wire_controls = names_in("/run/lab/wire");
    if (const std::string cg = cgroup2_mount(); !cg.empty()) t.cgroups = names_in(fs::path(cg) / "lab");
    return t;
}

// The run id in a trace's name: "lab-3f2a9c-server" or "3f2a9c".
std::string run_id_of(const std::string& name) { return name.starts_with("lab-") ? name.substr(4, 6) : name; }

// Runs whose lab process is alive: another user's (or developer's) runs on this machine, which this test
// neither made nor may judge. Ours is dead by the time this is asked.
std::set<std::string> live_runs() {
    std::set<std::string> out;
    for (const auto& id : names_in("/run/lab/runs")) {
        std::ifstream in("/run/lab/runs/" + id);
        long long pid = 0;
        if (in >> pid && pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0) out.insert(id);
    }
    return out;
}

// What appeared since `before` and is not a live run's: what the killed lab left.
Traces left_since(const Traces& before, const Traces& now) {
    const std::set<std::string> live = live_runs();
    auto fresh = [&](const std::set<std::string>& was, const std::set<std::string>& is) {
        std::set<std::string> out;
        for (const auto& name : is)
            if (!was.count(name) && !live.count(run_id_of(name))) out.insert(name);
        return out;
    };
    return {fresh(before.namespaces, now.namespaces), fresh(before.markers, now.markers),
            fresh(before.wire_controls, now.wire_controls), fresh(before.cgroups, now.cgroups)};
}

std::string describe(const Traces& t) {
    return fmt::format("namespaces {}, markers {}, wire {}, cgroups {}", t.namespaces.size(), t.markers.size(),
                       t.wire_controls.size(), t.cgroups.size());
}

// A shaped link (so a lab-wire runs), a leaky program (so something outlives its parent), agents.
std::string busy_scenario(const std::string& mark) {
    return fmt::format(R"([scenario]
name = "killed"
summary = "killed at a random moment"
time_limit = "30s"

[hosts.server]
[hosts.client]

[[links]]
ends = ["server", "client"]
impair = {{ delay = "2ms" }}

[[steps]]
at = "0s"
run = {{ name = "srv", host = "server", agent = "server", args = ["--port", "7300"] }}
[[steps]]
at = "0s"
run = {{ name = "leak", host = "client", command = ["sh", "-c", "(setsid sleep 1000.{0} &); sleep 1001.{0}"] }}
[[steps]]
at = "200ms"
run = {{ name = "cli", host = "client", agent = "client", args = ["--target", "${{hosts.server.addr}}:7300", "--connections", "5", "--ops", "connect:2s", "--hold", "20s"] }}
[[steps]]
at = "25s"
snapshot = "late"
)",
                       mark);
}

TEST(CleanAfterKill, SigkillAtRandomMomentsThenCleanLeavesNothingAtAll) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: builds network namespaces";
    Scratch scratch("kill");
    const std::string mark = unique_marker();
    const std::string file = scratch.write("k.toml", busy_scenario(mark));
    const Traces before = traces();
    // Deterministic moments from 0 to 2.5 s: before the namespaces, while building, while shaping, while running.
    std::mt19937 rng(20261130);
    std::uniform_int_distribution<int> moment_ms(0, 2500);
    // CI kills 8 times; LAB_HARDENING_KILLS=60 for the figure in an issue note.
    const int kKills = std::getenv("LAB_HARDENING_KILLS") ? std::atoi(std::getenv("LAB_HARDENING_KILLS")) : 8;
    int left_something = 0;
    for (int k = 0; k < kKills; ++k) {
        const int at = k == 0 ? 1500 : moment_ms(rng);
        Program lab({.exe = kLab,
                     .args = {"run", "-q", "--impairments", "userspace", "--out", (scratch.path() / "runs").string(), file}});
        std::this_thread::sleep_for(std::chrono::milliseconds(at));
        ::kill(lab.pid(), SIGKILL);
        lab.wait();
        if (!(left_since(before, traces()) == Traces{})) ++left_something;
        Result clean = run_lab(scratch.path(), {"clean"});
        EXPECT_EQ(clean.exit_code, 0) << "kill at " << at << " ms: " << clean.out << clean.err;
        const Traces left = left_since(before, traces());
        EXPECT_EQ(left, Traces{}) << "kill at " << at << " ms left " << describe(left) << "\n" << clean.out << clean.err;
        EXPECT_THAT(processes_with("." + mark), ::testing::IsEmpty()) << "kill at " << at << " ms left a process";
    }
    // The first kill is mid-run: it must have left something for clean to remove, or this proves nothing.
    EXPECT_GE(left_something, 1);
    std::cout << "[ measured ] " << kKills << " SIGKILLs, " << left_something << " left something behind, "
              << "all cleaned\n";
}

}  // namespace
}  // namespace lab::hardening_test
