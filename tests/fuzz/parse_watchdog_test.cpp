// A parse that overruns its time ends the process with a line naming its input; one that finishes in
// time does nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "tests/fuzz/parse_watchdog.hpp"

namespace {

using namespace std::chrono_literals;
using lab::fuzz::ParseWatchdog;

TEST(ParseWatchdogDeathTest, AnOverrunEndsTheProcessNamingTheFile) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            ParseWatchdog watchdog(50ms);
            watchdog.start("seed 9 file 12 (/tmp/x.toml)");
            volatile unsigned long spins = 0;
            for (;;) spins = spins + 1;  // a parser in an endless loop
        },
        ::testing::ExitedWithCode(3), "FAIL: seed 9 file 12 \\(/tmp/x.toml\\) took longer than 50 ms of CPU time");
}

TEST(ParseWatchdogDeathTest, AParseThatBlocksIsCaughtByTheWallClock) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            ParseWatchdog watchdog(20ms);
            watchdog.start("seed 9 file 13");
            std::this_thread::sleep_for(5s);
        },
        ::testing::ExitedWithCode(3), "FAIL: seed 9 file 13 took longer than 200 ms of wall-clock time");
}

TEST(ParseWatchdogDeathTest, ParsesThatFinishInTimeAreLeftAlone) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            {
                ParseWatchdog watchdog(200ms);
                for (int i = 0; i < 5; ++i) {
                    watchdog.start("quick");
                    std::this_thread::sleep_for(20ms);
                    watchdog.finish();
                }
                std::this_thread::sleep_for(300ms);  // past the limit, with nothing running
            }
            std::exit(7);  // reached only if the watchdog did not end the process (with 3)
        },
        ::testing::ExitedWithCode(7), "");
}

}  // namespace
