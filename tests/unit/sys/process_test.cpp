#include "sys/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sys/descriptor_limit.hpp"
#include "sys/unique_fd.hpp"

namespace fs = std::filesystem;
using lab::sys::Process;
using lab::sys::ProcessSpec;
using lab::sys::UniqueFd;
using testing::HasSubstr;
using namespace std::chrono_literals;

namespace {

class ProcessTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("lab-process-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    UniqueFd file(const std::string& name) {
        return UniqueFd(::open((dir_ / name).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    }
    std::string slurp(const std::string& name) {
        std::ifstream in(dir_ / name);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    ProcessSpec spec(std::vector<std::string> argv) {
        ProcessSpec s;
        s.executable = argv.front();
        s.argv = std::move(argv);
        return s;
    }

    fs::path dir_;
};

// Our children, running or not yet reaped, from every thread's /proc children list: compared before
// and after a spawn, so that what another test in this process left behind does not count.
std::set<pid_t> our_children() {
    std::set<pid_t> pids;
    for (const auto& task : fs::directory_iterator("/proc/self/task")) {
        std::ifstream in(task.path() / "children");
        for (pid_t pid; in >> pid;) pids.insert(pid);
    }
    return pids;
}

// The step before exec that fails is named with its errno, and the child that _exit()ed is reaped: a
// bad namespace descriptor must never run the command in the caller's namespace, nor leave a zombie.
TEST_F(ProcessTest, AFailedSetnsNamesTheStepAndLeavesNoChild) {
    const std::set<pid_t> before = our_children();
    ProcessSpec s = spec({"/bin/sh", "-c", "echo ran > " + (dir_ / "ran").string()});
    s.netns_fd = 987;  // no such descriptor
    try {
        Process::spawn(s);
        ADD_FAILURE() << "spawn with a bad netns fd did not throw";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EBADF);
        EXPECT_THAT(e.what(), HasSubstr("start /bin/sh: setns(CLONE_NEWNET) (EBADF)"));
    }
    EXPECT_EQ(our_children(), before);
    EXPECT_FALSE(fs::exists(dir_ / "ran"));
}

TEST_F(ProcessTest, AMissingExecutableIsAnErrorNamingIt) {
    const std::set<pid_t> before = our_children();
    try {
        Process::spawn(spec({"/nonexistent/lab-agent"}));
        ADD_FAILURE() << "spawn of a missing executable did not throw";
    } catch (const std::system_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("/nonexistent/lab-agent"));
        EXPECT_EQ(e.code().value(), ENOENT);
    }
    EXPECT_EQ(our_children(), before);
}

TEST_F(ProcessTest, StreamsGoToTheGivenDescriptorsAndOnlyStdioIsOpen) {
    UniqueFd out = file("out"), err = file("err");
    ProcessSpec s = spec({"/bin/sh", "-c", "echo to-out; echo to-err >&2; ls /proc/self/fd | wc -l; exit 3"});
    s.stdout_fd = out.get();
    s.stderr_fd = err.get();
    Process p = Process::spawn(s);
    ASSERT_EQ(p.wait_until(std::chrono::steady_clock::now() + 10s), lab::sys::WaitOutcome::Ended);
    EXPECT_EQ(p.end()->exit_code, 3);
    EXPECT_FALSE(p.end()->success());
    EXPECT_EQ(p.end()->describe(), "exit 3");
    // 0, 1, 2 and the descriptor ls itself opens to list them: nothing of ours leaked in.
    EXPECT_EQ(slurp("out"), "to-out\n4\n");
    EXPECT_EQ(slurp("err"), "to-err\n");
}

TEST_F(ProcessTest, StopEndsAProgramThatIgnoresSigtermWithSigkill) {
    ProcessSpec s = spec({"/bin/sh", "-c", "trap '' TERM; while :; do sleep 0.05; done"});
    Process p = Process::spawn(s);
    std::this_thread::sleep_for(100ms);  // the trap must be in place before the TERM
    const auto started = std::chrono::steady_clock::now();
    const lab::sys::ProcessEnd& end = p.stop(300ms);
    EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
    EXPECT_EQ(end.signal, SIGKILL);
    EXPECT_EQ(end.describe(), "killed by SIGKILL");
    EXPECT_FALSE(fs::exists(fs::path("/proc") / std::to_string(p.pid())));
}

TEST_F(ProcessTest, DestroyingARunningProcessKillsAndReapsIt) {
    pid_t pid = 0;
    {
        Process p = Process::spawn(spec({"/bin/sleep", "30"}));
        pid = p.pid();
        EXPECT_FALSE(p.poll());
    }
    EXPECT_EQ(::kill(pid, 0), -1);  // gone, zombie included: it was reaped
    EXPECT_EQ(errno, ESRCH);
}

TEST_F(ProcessTest, StopProcessesSignalsAllAndWaitsOnceForTheirCommonGrace) {
    std::vector<Process> ps;
    for (int i = 0; i < 5; ++i) ps.push_back(Process::spawn(spec({"/bin/sleep", "30"})));
    std::vector<Process*> all;
    for (auto& p : ps) all.push_back(&p);
    const auto started = std::chrono::steady_clock::now();
    lab::sys::stop_processes(all, 2s);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);  // SIGTERM ends sleep at once
    for (auto& p : ps) {
        ASSERT_TRUE(p.end().has_value());
        EXPECT_EQ(p.end()->signal, SIGTERM);
    }
}

TEST(FindExecutable, LooksUpPathAndChecksExplicitPaths) {
    EXPECT_EQ(lab::sys::find_executable("sh").front(), '/');
    EXPECT_THROW(lab::sys::find_executable("no-such-program-anywhere"), std::runtime_error);
    EXPECT_THROW(lab::sys::find_executable("/etc/passwd"), std::runtime_error);
}

}  // namespace

namespace {

// lab raises its own descriptor limit; a program it starts sees the limit lab was given, as from a shell.
TEST(DescriptorLimit, ProgramsGetTheLimitLabWasStartedWith) {
    rlimit original{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &original), 0);
    if (original.rlim_max < 1024) GTEST_SKIP() << "hard limit below 1024";
    rlimit lowered = original;
    lowered.rlim_cur = 512;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
    lab::sys::raise_descriptor_limit();
    rlimit now{};
    ::getrlimit(RLIMIT_NOFILE, &now);
    EXPECT_EQ(now.rlim_cur, original.rlim_max);
    ASSERT_TRUE(lab::sys::inherited_descriptor_limit().has_value());
    EXPECT_EQ(lab::sys::inherited_descriptor_limit()->rlim_cur, 512u);

    const fs::path out = fs::temp_directory_path() / ("lab-nofile-" + std::to_string(::getpid()));
    UniqueFd fd(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    ProcessSpec s;
    s.executable = "/bin/sh";
    s.argv = {"/bin/sh", "-c", "ulimit -n"};
    s.stdout_fd = fd.get();
    Process p = Process::spawn(s);
    p.wait_until(std::chrono::steady_clock::now() + 10s);
    std::ifstream in(out);
    std::string limit;
    in >> limit;
    EXPECT_EQ(limit, "512");
    fs::remove(out);
    ::setrlimit(RLIMIT_NOFILE, &original);
}

}  // namespace
