// When the process dies during a parse, the line set for that parse is printed first.
#include <gtest/gtest.h>

#include <signal.h>

#include <cstdlib>

#include "tests/fuzz/crash_report.hpp"

namespace {

TEST(CrashReportDeathTest, AnAbortPrintsTheLineOfTheParseUnderWay) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(
        {
            lab::fuzz::install_crash_report();
            lab::fuzz::set_crash_report("the parser crashed on seed 3 file 4\n");
            std::abort();
        },
        "the parser crashed on seed 3 file 4");
}

TEST(CrashReportDeathTest, AFatalSignalPrintsItToo) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(
        {
            lab::fuzz::install_crash_report();
            lab::fuzz::set_crash_report("the parser crashed on seed 5 file 6\n");
            ::raise(SIGSEGV);
        },
        "the parser crashed on seed 5 file 6");
}

}  // namespace
