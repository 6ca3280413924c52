#include "runner/run_owner.hpp"

#include <unistd.h>

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
