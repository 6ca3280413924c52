#include "runner/child_process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fs = std::filesystem;
using lab::runner::ChildProcess;
using lab::runner::LaunchSpec;
using testing::HasSubstr;

namespace {

LaunchSpec spec_for(const fs::path& dir, int netns_fd, std::vector<std::string> argv) {
    LaunchSpec spec;
    spec.executable = argv.front();
    spec.argv = std::move(argv);
    spec.netns_fd = netns_fd;
    spec.stdout_path = (dir / "out").string();
    spec.stderr_path = (dir / "err").string();
    return spec;
}

fs::path scratch_dir() {
    fs::path dir = fs::temp_directory_path() / ("lab-child-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir;
}

// Our children, running or not yet reaped, from every thread's /proc children list: compared before
// and after a launch, so that what another test in this process left behind does not count.
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
TEST(ChildProcess, AFailedSetnsNamesTheStepAndLeavesNoChild) {
    const fs::path dir = scratch_dir();
    const std::set<pid_t> before = our_children();
    try {
        ChildProcess::launch(spec_for(dir, -1, {"/bin/sh", "-c", "echo ran > ran"}));
        ADD_FAILURE() << "launch with netns fd -1 did not throw";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EBADF);
        EXPECT_THAT(e.what(), HasSubstr("start /bin/sh: setns(CLONE_NEWNET) (EBADF)"));
    }
    EXPECT_EQ(our_children(), before);
    EXPECT_FALSE(fs::exists(dir / "ran"));
    fs::remove_all(dir);
}

TEST(ChildProcess, AMissingExecutableIsAnErrorNamingIt) {
    const fs::path dir = scratch_dir();
    const std::set<pid_t> before = our_children();
    const int own_netns = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(own_netns, 0);
    if (::setns(own_netns, CLONE_NEWNET) != 0) {
        ::close(own_netns);
        fs::remove_all(dir);
        GTEST_SKIP() << "setns needs CAP_SYS_ADMIN (the e2e tests cover launching as root)";
    }
    EXPECT_THROW(
        {
            try {
                ChildProcess::launch(spec_for(dir, own_netns, {"/nonexistent/lab-agent"}));
            } catch (const std::system_error& e) {
                EXPECT_THAT(e.what(), HasSubstr("/nonexistent/lab-agent"));
                EXPECT_EQ(e.code().value(), ENOENT);
                throw;
            }
        },
        std::system_error);
    EXPECT_EQ(our_children(), before);
    ::close(own_netns);
    fs::remove_all(dir);
}

}  // namespace
