// End-to-end: what lab keeps under /run/lab, as other users and other labs meet it.
// - `lab ctl` as another user (uid 4242) is refused with the reason that holds: the control sockets are
//   root's alone (before, it said "it changes the system's network configuration", which ctl does not);
// - `lab clean` leaves a run alone while its marker does not name its process yet and is recent (a run
//   of an older lab writes its marker after creating it), and takes it once that marker is old.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/support/program_run.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const std::string kLab = std::string(LAB_BIN_DIR) + "/lab";
constexpr const char* kAttackerUid = "4242";  // no such user: an unprivileged uid of nobody's

using lab::e2e::Result;
using lab::e2e::slurp;

class LabRunState : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: makes a namespace and a run marker";
        dir_ = fs::temp_directory_path() / ("lab-run-state-e2e-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        fs::permissions(dir_, fs::perms(0755));
    }
    void TearDown() override {
        if (!namespace_.empty()) run(ip(), {"netns", "delete", namespace_});
        if (!marker_.empty()) fs::remove(marker_);
        if (!dir_.empty()) fs::remove_all(dir_);
    }

    Result run(const std::string& exe, const std::vector<std::string>& args) {
        return ::lab::e2e::run_program(dir_, exe, args);
    }

    static std::string ip() { return lab::e2e::find_program("ip").string(); }

    fs::path dir_;
    std::string namespace_;  // made by this test, removed by it
    fs::path marker_;        // likewise
};

TEST_F(LabRunState, CtlAsAnotherUserSaysItNeedsRootForTheControlSockets) {
    // A copy of lab the unprivileged user can execute wherever the build tree is.
    fs::copy_file(kLab, dir_ / "lab");
    fs::permissions(dir_ / "lab", fs::perms(0755));
    const std::string setpriv = lab::e2e::find_program("setpriv").string();
    ASSERT_FALSE(setpriv.empty()) << "setpriv (util-linux) is needed";
    for (const std::vector<std::string>& request : {std::vector<std::string>{}, {"abc123", "count"}}) {
        std::vector<std::string> args = {fmt::format("--reuid={}", kAttackerUid), fmt::format("--regid={}", kAttackerUid),
                                         "--clear-groups", (dir_ / "lab").string(), "ctl"};
        args.insert(args.end(), request.begin(), request.end());
        const Result r = run(setpriv, args);
        EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
        EXPECT_THAT(r.err, HasSubstr("lab: lab ctl needs root (a run's control socket is root's alone: /run/lab/ctl is "
                                     "mode 0700, and a run answers uid 0 only); run it with sudo"));
        EXPECT_THAT(r.err, Not(HasSubstr("network configuration")));
        EXPECT_EQ(r.out, "");
    }
}

TEST_F(LabRunState, CleanLeavesARunWhoseMarkerIsRecentAndUnreadableAndTakesItOnceOld) {
    // An id no run holds, and a namespace named as that run's would be, made here (nothing inside).
    std::mt19937 rng(static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(std::random_device{}()));
    std::string id;
    for (int tries = 0; tries < 100 && id.empty(); ++tries) {
        const std::string candidate = fmt::format("{:06x}", rng() & 0xffffff);
        if (!fs::exists("/run/lab/runs/" + candidate) && !fs::exists("/run/netns/lab-" + candidate + "-h")) id = candidate;
    }
    ASSERT_FALSE(id.empty());
    ASSERT_TRUE(fs::is_directory("/run/lab/runs") || fs::create_directories("/run/lab/runs"));
    marker_ = "/run/lab/runs/" + id;
    { std::ofstream(marker_.string()); }  // empty: the moment an older lab created it and had not written it
    ASSERT_EQ(run(ip(), {"netns", "add", "lab-" + id + "-h"}).exit_code, 0);
    namespace_ = "lab-" + id + "-h";

    // --dry-run only: a real clean would also take other labs' leftovers on this machine.
    const Result recent = run(kLab, {"clean", "--dry-run"});
    EXPECT_EQ(recent.exit_code, 0) << recent.out << recent.err;
    EXPECT_THAT(recent.out, HasSubstr(fmt::format("kept run {} (1 namespaces): its marker /run/lab/runs/{} does not name "
                                                  "its lab process yet and is younger than 60 s",
                                                  id, id)));
    EXPECT_THAT(recent.out, Not(HasSubstr("would remove " + namespace_)));

    // Written two minutes ago and still unreadable: no run is starting, the run is a dead one's.
    struct timespec times[2];
    ::clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= 120;
    times[1] = times[0];
    ASSERT_EQ(::utimensat(AT_FDCWD, marker_.c_str(), times, 0), 0);
    const Result old = run(kLab, {"clean", "--dry-run"});
    EXPECT_EQ(old.exit_code, 0) << old.out << old.err;
    EXPECT_THAT(old.out, HasSubstr("would remove " + namespace_ + " (processes: none)"));
    EXPECT_THAT(old.out, Not(HasSubstr("kept run " + id)));
    EXPECT_TRUE(fs::exists("/run/netns/" + namespace_)) << "a dry run removes nothing";
}

}  // namespace
