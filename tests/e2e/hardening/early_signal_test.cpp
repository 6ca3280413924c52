// SIGTERM in the first milliseconds of `lab run`, before the scenario is even read, is an interrupted run
// like any other: exit 2 with a message, nothing of the run left behind (namespaces, programs), and a
// record saying "interrupted" whenever the run got as far as its directory. It used to kill `lab` with
// 143 and no record: the handlers were installed only once the scenarios were parsed.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lab_invocation.hpp"

namespace {

using namespace lab::hardening_test;
using Clock = std::chrono::steady_clock;
using ::testing::HasSubstr;

// True once `pid` catches SIGTERM (SigCgt in /proc/PID/status): `lab` installs its handlers first
// thing in main, and the test process that forked it catches no SIGTERM of its own.
bool catches_sigterm(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("SigCgt:", 0) == 0) return (std::stoull(line.substr(7), nullptr, 16) >> (SIGTERM - 1)) & 1;
    return false;
}

std::vector<std::string> namespaces_of_run(const std::string& run_id) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/run/netns", ec)) {
        const std::string n = e.path().filename().string();
        if (n.rfind("lab-" + run_id + "-", 0) == 0) out.push_back(n);
    }
    return out;
}

class EarlySignal : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: lab run builds network namespaces";
        dir_ = fs::temp_directory_path() / ("lab-hardening-" + std::to_string(::getpid()) + "-early-signal");
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        std::mt19937 rng(std::random_device{}());
        marker_ = std::to_string(10000 + rng() % 89999);
    }
    void TearDown() override {
        std::error_code ec;
        if (!dir_.empty()) fs::remove_all(dir_, ec);
    }

    // Two hosts, a program that would outlive the test, and `padding` more expectations to make the
    // file take a while to parse.
    std::string scenario(int padding) const {
        std::string text = R"([scenario]
name = "early-signal"
summary = "SIGTERM before and while the lab is built"
time_limit = "10s"
[hosts.a]
[hosts.b]
[[links]]
ends = ["a", "b"]
[[steps]]
at = "0s"
run = { name = "nap", host = "a", command = ["sleep", "9.)" + marker_ + R"("] }
[[steps]]
at = "3s"
snapshot = "later"
)";
        for (int i = 0; i <= padding; ++i)
            text += "[[expect]]\nhost = \"a\"\ncounter = \"TcpExt.ListenOverflows\"\nequals = 0\n";
        return text;
    }

    struct Outcome {
        int exit_code = -1;
        std::string err;
        std::optional<fs::path> run_dir;
    };

    // Starts `lab run`, waits until it catches SIGTERM (at most `handlers_within`), then `delay` more,
    // sends SIGTERM and waits for its end.
    Outcome interrupt(const std::string& text, std::chrono::milliseconds handlers_within,
                      std::chrono::milliseconds delay) {
        const fs::path runs = dir_ / "runs";
        fs::remove_all(runs);
        const fs::path file = dir_ / "early.toml", err = dir_ / "stderr";
        std::ofstream(file) << text;
        Program lab({.exe = kLab, .args = {"run", "--out", runs.string(), file.string()}, .err = Output::to_file(err)});
        const auto started = Clock::now();
        while (!catches_sigterm(lab.pid()) && Clock::now() - started < handlers_within)
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        std::this_thread::sleep_for(delay);
        ::kill(lab.pid(), SIGTERM);
        lab.wait();
        Outcome o{lab.exit_code(), slurp(err), std::nullopt};
        std::error_code ec;
        for (const auto& e : fs::recursive_directory_iterator(runs, ec))
            if (e.is_directory() && fs::exists(e.path() / "processes")) o.run_dir = e.path();
        return o;
    }

    // What every interrupted run must look like, however early the signal came.
    void expect_interrupted(const Outcome& o, const std::string& when) {
        SCOPED_TRACE(when);
        EXPECT_EQ(o.exit_code, 2) << o.err;  // not 143: the signal was handled
        EXPECT_THAT(o.err, HasSubstr("interrupted"));
        EXPECT_THAT(processes_with("9." + marker_), ::testing::IsEmpty()) << "the scenario's program outlived lab";
        if (!o.run_dir) return;  // stopped before it made anything
        // <runs>/<scenario>/<time>-<run id>: the id names every namespace of the run.
        const std::string name = o.run_dir->filename().string();
        const std::string run_id = name.substr(name.rfind('-') + 1);
        EXPECT_THAT(namespaces_of_run(run_id), ::testing::IsEmpty());
        ASSERT_TRUE(fs::exists(*o.run_dir / "record.json")) << "run directory " << *o.run_dir << " has no record";
        auto record = nlohmann::json::parse(slurp(*o.run_dir / "record.json"));
        EXPECT_EQ(record["run"]["outcome"], "interrupted");
    }

    fs::path dir_;
    std::string marker_;
};

// The file takes about 0.2 s to parse (20 000 expectations); the signal comes 20 ms after lab catches
// it (or after 100 ms, whatever happens), long before the parse ends. Before the fix lab caught nothing
// until the run started, and this SIGTERM killed it (143).
TEST_F(EarlySignal, WhileTheScenarioIsParsed) {
    expect_interrupted(interrupt(scenario(20'000), std::chrono::milliseconds(100), std::chrono::milliseconds(20)),
                       "SIGTERM while the scenario is read");
}

// Points through the first 50 ms after lab catches signals: reading the arguments (0 ms: nothing is
// done at all), reading the scenario, choosing a run id, building namespaces and links, starting the
// first program.
TEST_F(EarlySignal, InTheFirstFiftyMilliseconds) {
    for (int ms : {0, 1, 2, 5, 10, 20, 35, 50})
        expect_interrupted(interrupt(scenario(0), std::chrono::seconds(5), std::chrono::milliseconds(ms)),
                           "SIGTERM " + std::to_string(ms) + " ms after lab caught signals");
}

}  // namespace
