// Nothing a scenario starts outlives its run — not the programs lab started, and not what they started:
// a shell that ignores SIGTERM with its sleep, a sleep after which the shell would go on, a background job
// the shell waits for, a double-forked daemon re-parented to init, and a program that left the run's
// network namespace for one of its own. On each of the four ways a run ends: a stop step, the end of the
// timeline, the time limit, and SIGTERM to lab.
#include <signal.h>

#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include "lab_invocation.hpp"

namespace lab::hardening_test {
namespace {

using ::testing::HasSubstr;

// Every leaky shape at once; `extra` ends the timeline the way the test wants.
std::string leaky_scenario(const std::string& mark, const std::string& time_limit, const std::string& extra) {
    return fmt::format(R"([scenario]
name = "fork-leak"
summary = "programs that leave children behind"
time_limit = "{1}"

[hosts.box]

[[steps]]
at = "0s"
run = {{ name = "trap", host = "box", command = ["sh", "-c", "trap '' TERM; sleep 1000.{0}"] }}
[[steps]]
at = "0s"
run = {{ name = "chain", host = "box", command = ["sh", "-c", "sleep 1001.{0}; true"] }}
[[steps]]
at = "0s"
run = {{ name = "bg", host = "box", command = ["sh", "-c", "sleep 1002.{0} & wait"] }}
[[steps]]
at = "0s"
run = {{ name = "daemon", host = "box", command = ["sh", "-c", "(setsid sleep 1003.{0} &); exit 0"] }}
[[steps]]
at = "0s"
run = {{ name = "escape", host = "box", command = ["sh", "-c", "unshare --net sleep 1004.{0} & wait"] }}
{2}
)",
                       mark, time_limit, extra);
}

class ProcessLeak : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: builds network namespaces";
        mark_ = unique_marker();
    }
    void TearDown() override {
        // If the test failed, leave nothing running for the next one: these pids carry our marker.
        for (pid_t pid : processes_with("." + mark_)) ::kill(pid, SIGKILL);
    }

    // Waits until all five sleeps run, so that a leak cannot hide behind a slow start.
    void expect_all_sleeps_started() {
        auto sleeps = [&] {
            std::size_t n = 0;
            for (pid_t pid : processes_with("." + mark_))
                n += slurp(fs::path("/proc") / std::to_string(pid) / "cmdline").rfind("sleep", 0) == 0;
            return n;
        };
        for (int i = 0; i < 200 && sleeps() < 5; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_EQ(sleeps(), 5u) << "not every leaky shape started";
    }

    void expect_nothing_left(const Scratch& scratch) {
        EXPECT_THAT(processes_with("." + mark_), ::testing::IsEmpty()) << "a process of the run outlived it";
        auto records = records_under(scratch.path() / "runs");
        ASSERT_EQ(records.size(), 1u);
        auto rec = nlohmann::json::parse(slurp(records.front()));
        EXPECT_THAT(rec["run"]["containment"].get<std::string>(), HasSubstr("cgroup"));
        // The leak is not hidden: the record says that the scenario's programs left processes behind.
        EXPECT_THAT(rec["run"]["outcome_detail"].get<std::string>(), HasSubstr("outlived them and were killed with the run"));
        const std::string cg = cgroup2_mount();
        if (!cg.empty()) {
            EXPECT_FALSE(fs::exists(fs::path(cg) / "lab" / rec["run"]["id"].get<std::string>()));
        }
    }

    std::string mark_;
};

TEST_F(ProcessLeak, AStopStepEndsWhatTheStoppedProgramsStartedByTheEndOfTheRun) {
    Scratch scratch("stop");
    std::string stops;
    for (const char* name : {"trap", "chain", "bg", "daemon", "escape"})
        stops += fmt::format("[[steps]]\nat = \"1500ms\"\nstop = \"{}\"\n", name);
    const std::string file = scratch.write("s.toml", leaky_scenario(mark_, "20s", stops + "[[steps]]\nat = \"3s\"\nsnapshot = \"after\"\n"));
    std::thread watch([&] { expect_all_sleeps_started(); });
    Result r = run_lab(scratch.path(), {"run", "-q", "--out", (scratch.path() / "runs").string(), file});
    watch.join();
    EXPECT_NE(r.exit_code, 2) << r.out << r.err;
    expect_nothing_left(scratch);
}

TEST_F(ProcessLeak, TheEndOfTheTimelineEndsEverything) {
    Scratch scratch("end");
    const std::string file = scratch.write("s.toml", leaky_scenario(mark_, "20s", "[[steps]]\nat = \"1500ms\"\nsnapshot = \"up\"\n"));
    std::thread watch([&] { expect_all_sleeps_started(); });
    Result r = run_lab(scratch.path(), {"run", "-q", "--out", (scratch.path() / "runs").string(), file});
    watch.join();
    EXPECT_NE(r.exit_code, 2) << r.out << r.err;
    expect_nothing_left(scratch);
}

TEST_F(ProcessLeak, TheTimeLimitEndsEverything) {
    Scratch scratch("limit");
    const std::string file = scratch.write("s.toml", leaky_scenario(mark_, "1500ms", "[[steps]]\nat = \"500ms\"\nwait = { process = \"trap\" }\n"));
    std::thread watch([&] { expect_all_sleeps_started(); });
    Result r = run_lab(scratch.path(), {"run", "-q", "--out", (scratch.path() / "runs").string(), file});
    watch.join();
    EXPECT_THAT(r.out, HasSubstr("time-limit")) << r.err;
    expect_nothing_left(scratch);
}

TEST_F(ProcessLeak, SigtermToLabEndsEverything) {
    Scratch scratch("sigterm");
    const std::string file = scratch.write("s.toml", leaky_scenario(mark_, "60s", "[[steps]]\nat = \"50s\"\nsnapshot = \"never\"\n"));
    Program lab({.exe = kLab, .args = {"run", "-q", "--out", (scratch.path() / "runs").string(), file}});
    expect_all_sleeps_started();
    ::kill(lab.pid(), SIGTERM);
    lab.wait();
    EXPECT_EQ(lab.exit_code(), 2);
    expect_nothing_left(scratch);
}

}  // namespace
}  // namespace lab::hardening_test
