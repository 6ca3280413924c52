// The e2e tests' way of starting programs, on /bin/sh and sleep: where output goes, the environment and
// directory a program gets, exit codes, start failures, and that a Program never outlives its owner.
#include <signal.h>
#include <stdlib.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/support/file_text.hpp"
#include "tests/e2e/support/program.hpp"

namespace lab::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

ProgramSpec shell(const std::string& script) { return {.exe = "/bin/sh", .args = {"-c", script}}; }

class ProgramTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("lab-e2e-program-test-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path dir_;
};

TEST_F(ProgramTest, CapturesEachStreamAndTheExitStatus) {
    ProgramSpec spec = shell("echo out; echo err >&2; exit 3");
    spec.out = Output::captured();
    spec.err = Output::captured();
    const Result r = run_to_end(spec);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
}

TEST_F(ProgramTest, AFileIsEmptiedFirstAndReadBack) {
    const fs::path out = dir_ / "out";
    std::ofstream(out) << "an older and much longer output\n";
    ProgramSpec spec = shell("echo new");
    spec.out = Output::to_file(out);
    EXPECT_EQ(run_to_end(spec).out, "new\n");
    EXPECT_EQ(slurp(out), "new\n");
}

TEST_F(ProgramTest, BothStreamsIntoOneFileKeepEveryLineInOrder) {
    const fs::path log = dir_ / "log";
    ProgramSpec spec = shell("echo one; echo two >&2; echo three");
    spec.out = Output::to_file(log);
    spec.err = Output::to_file(dir_ / "." / "log");
    run_to_end(spec);
    EXPECT_EQ(slurp(log), "one\ntwo\nthree\n");
}

// The program's stdout is its only descriptor of the file: a second one would show in a scenario that
// lists or counts what lab holds open.
TEST_F(ProgramTest, AnOutputFileIsOpenOnlyAsTheStream) {
    const fs::path listing = dir_ / "fds";
    ProgramSpec spec{.exe = "/bin/ls", .args = {"-l", "/proc/self/fd"}, .out = Output::to_file(listing)};
    ASSERT_EQ(run_to_end(spec).exit_code, 0);
    const std::string text = slurp(listing);
    std::size_t count = 0;
    for (auto at = text.find(listing.string()); at != std::string::npos; at = text.find(listing.string(), at + 1)) ++count;
    EXPECT_EQ(count, 1u) << text;
}

TEST_F(ProgramTest, DiscardedOutputIsNotReturned) {
    EXPECT_EQ(run_to_end(shell("echo out; echo err >&2")).out, "");
}

TEST_F(ProgramTest, EnvironmentIsTheTestsLessTheUnsetPlusTheSet) {
    ::setenv("LAB_E2E_KEPT", "kept", 1);
    ::setenv("LAB_E2E_GONE", "here", 1);
    ProgramSpec spec = shell("echo \"$LAB_E2E_KEPT ${LAB_E2E_GONE-unset} $LAB_E2E_SET\"");
    spec.unset_env = {"LAB_E2E_GONE"};
    spec.env = {{"LAB_E2E_SET", "set"}};
    spec.out = Output::captured();
    EXPECT_EQ(run_to_end(spec).out, "kept unset set\n");
    ::unsetenv("LAB_E2E_KEPT");
    ::unsetenv("LAB_E2E_GONE");
}

TEST_F(ProgramTest, RunsInItsDirectoryOrTheTests) {
    ProgramSpec spec = shell("pwd");
    spec.out = Output::captured();
    EXPECT_EQ(run_to_end(spec).out, fs::current_path().string() + "\n");
    spec.cwd = dir_;
    EXPECT_EQ(run_to_end(spec).out, dir_.string() + "\n");
}

TEST_F(ProgramTest, StdinIsEmpty) {
    ProgramSpec spec = shell("wc -c");
    spec.out = Output::captured();
    EXPECT_EQ(run_to_end(spec).out, "0\n");
}

TEST_F(ProgramTest, ASignalsNumberIsTheExitCode) { EXPECT_EQ(run_to_end(shell("kill -KILL $$")).exit_code, SIGKILL); }

TEST_F(ProgramTest, AProgramThatCannotStartIsNamed) {
    const ProgramSpec missing{.exe = dir_ / "no-such-program"};
    try {
        run_to_end(missing);
        FAIL() << "started a program that does not exist";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), ENOENT);
        EXPECT_THAT(e.what(), HasSubstr((dir_ / "no-such-program").string()));
    }
    std::error_code failed;
    Program p(missing, failed);
    EXPECT_EQ(failed.value(), ENOENT);
    EXPECT_FALSE(p.running());

    ProgramSpec unwritable = shell("true");
    unwritable.out = Output::to_file(dir_ / "no-such-directory" / "out");
    EXPECT_THROW(run_to_end(unwritable), std::system_error);
}

TEST_F(ProgramTest, WaitsForItsEndWithOrWithoutALimit) {
    Program p({.exe = "/bin/sh", .args = {"-c", "sleep 0.3; exit 4"}});
    EXPECT_TRUE(p.running());
    EXPECT_FALSE(p.wait_for(std::chrono::milliseconds(20)));
    EXPECT_EQ(p.wait(), 4);
    EXPECT_FALSE(p.running());
    EXPECT_EQ(p.exit_code(), 4);
}

TEST_F(ProgramTest, OneStillRunningIsKilledAndReapedWithItsOwner) {
    pid_t pid = -1;
    {
        Program sleeper({.exe = "/bin/sleep", .args = {"30"}});
        pid = sleeper.pid();
        ASSERT_GT(pid, 0);
        EXPECT_EQ(::kill(pid, 0), 0);
    }
    const int signalled = ::kill(pid, 0), error = errno;
    EXPECT_EQ(signalled, -1) << "pid " << pid << " outlived its Program";
    EXPECT_EQ(error, ESRCH);

    Program replaced({.exe = "/bin/sleep", .args = {"30"}});
    pid = replaced.pid();
    replaced = Program({.exe = "/bin/true"});
    EXPECT_EQ(::kill(pid, 0), -1) << "pid " << pid << " outlived the Program assigned over it";
    EXPECT_EQ(replaced.wait(), 0);
}

TEST_F(ProgramTest, AnEmptyProgramHasNoPid) {
    Program none;
    EXPECT_FALSE(none.running());
    EXPECT_THROW(none.pid(), std::logic_error);
    EXPECT_THROW(none.wait(), std::logic_error);
}

TEST_F(ProgramTest, ABackgroundProgramsOutputIsNotCaptured) {
    ProgramSpec spec = shell("true");
    spec.out = Output::captured();
    EXPECT_THROW(Program{spec}, std::invalid_argument);
}

TEST_F(ProgramTest, FindsProgramsInPath) {
    EXPECT_TRUE(find_program("sh").is_absolute());
    EXPECT_TRUE(find_program("lab-e2e-no-such-program").empty());
}

}  // namespace
}  // namespace lab::e2e
