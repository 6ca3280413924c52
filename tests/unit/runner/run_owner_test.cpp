#include "runner/run_owner.hpp"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace {

using namespace lab::runner;

TEST(RunOwner, RunIdIsTheFirstWordAfterTheLabPrefix) {
    EXPECT_EQ(run_id_of_namespace("lab-3f2a-server"), "3f2a");
    EXPECT_EQ(run_id_of_namespace("lab-3f2a--switch"), "3f2a");
    EXPECT_EQ(run_id_of_namespace("lab-doctor-1234"), "doctor");
    EXPECT_EQ(run_id_of_namespace("labtest-x"), "");
    EXPECT_EQ(run_id_of_namespace("other"), "");
}

TEST(RunOwner, OnlyTheNamesLabGivesHaveAnOrigin) {
    auto run = namespace_origin("lab-3f2a01-server");
    EXPECT_EQ(run.kind, NamespaceOrigin::Kind::Run);
    EXPECT_EQ(run.run_id, "3f2a01");
    EXPECT_EQ(namespace_origin("lab-3f2a01--switch").kind, NamespaceOrigin::Kind::Run);
    auto doctor = namespace_origin("lab-doctor-1234");
    EXPECT_EQ(doctor.kind, NamespaceOrigin::Kind::Tool);
    EXPECT_EQ(doctor.tool, "doctor");
    EXPECT_EQ(doctor.pid, 1234);
    auto bench = namespace_origin("lab-bench-3780-0-h17");
    EXPECT_EQ(bench.kind, NamespaceOrigin::Kind::Tool);
    EXPECT_EQ(bench.tool, "bench");
    EXPECT_EQ(bench.pid, 3780);
    EXPECT_EQ(namespace_origin("lab-probe-41-netem-0").pid, 41);
    EXPECT_EQ(namespace_origin("lab-benchmn-13819-0").tool, "benchmn");
    // A user's own names, and what merely looks like ours: never lab clean's to remove.
    for (const char* foreign : {"lab-test", "lab-test-x", "lab-3f2a-server", "lab-3F2A01-server", "labtest-topo-1",
                                "other", "lab-", "lab-doctor-", "lab-doctor-12a"})
        EXPECT_EQ(namespace_origin(foreign).kind, NamespaceOrigin::Kind::Foreign) << foreign;
}

TEST(RunOwner, StartTimeOfALiveProcessIsStableAndOfAGoneOneAbsent) {
    auto a = process_start_time(::getpid());
    ASSERT_TRUE(a.has_value());
    EXPECT_GT(*a, 0u);
    EXPECT_EQ(process_start_time(::getpid()), a);
    EXPECT_FALSE(process_start_time(0x3fffffff).has_value());
}

TEST(RunOwner, UnknownOrUnsafeRunIdsHaveNoOwner) {
    EXPECT_FALSE(live_run_owner("").has_value());
    EXPECT_FALSE(live_run_owner("../etc").has_value());
    EXPECT_FALSE(live_run_owner("no-such-run-id").has_value());
}

}  // namespace

namespace {

using namespace lab::runner;

class RunIdClaim : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("lab-run-ids-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        std::filesystem::permissions(dir_, std::filesystem::perms(0755));
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

// Two runs that draw the same id cannot both hold it: the second draws again, and neither can remove
// the other's marker when it ends.
TEST_F(RunIdClaim, ACollidingDrawIsRefusedAtomicallyAndDrawnAgain) {
    auto markers = lab::sys::Directory::open_or_create(dir_);
    std::vector<std::string> draws = {"abc123", "abc123", "def456"};
    std::size_t next = 0;
    auto draw = [&] { return draws.at(next++); };
    RunOwnership first = RunOwnership::claim_new_id(markers, draw);
    RunOwnership second = RunOwnership::claim_new_id(markers, draw);
    EXPECT_EQ(first.run_id(), "abc123");
    EXPECT_EQ(second.run_id(), "def456");
    EXPECT_EQ(next, 3u);
    EXPECT_EQ(live_run_owner(markers, "abc123"), ::getpid());
    { RunOwnership moved = std::move(second); }
    EXPECT_FALSE(std::filesystem::exists(dir_ / "def456"));
    EXPECT_TRUE(std::filesystem::exists(dir_ / "abc123"));  // the other run's marker is untouched
}

TEST_F(RunIdClaim, RandomIdsAreSixHexDigits) {
    for (int i = 0; i < 100; ++i) {
        const std::string id = RunOwnership::random_run_id();
        EXPECT_EQ(id.size(), 6u);
        EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    }
}

}  // namespace
