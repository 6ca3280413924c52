// The series table `lab report` prints: the columns a run has, long series thinned evenly.
#include "analysis/series_table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lab::analysis {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

record::RunRecord sampled(std::size_t samples) {
    record::RunRecord r;
    record::HostSeries s;
    s.host = "server";
    s.every_s = 0.5;
    for (std::size_t i = 0; i < samples; ++i)
        s.points.push_back({0.5 * static_cast<double>(i), 0.001,
                            {{"sockets.established", 100.0 * static_cast<double>(i)},
                             {"sockets.syn-recv", 0},
                             {"rss.total", 2.5 * 1024 * 1024}}});
    r.series = {s};
    return r;
}

TEST(SeriesTable, ShowsTheColumnsThatAreEverAboveZero) {
    const std::string text = series_table(sampled(3));
    EXPECT_THAT(text, HasSubstr("series of host 'server': every 0.5s, 3 samples\n"));
    EXPECT_THAT(text, HasSubstr("estab"));
    EXPECT_THAT(text, HasSubstr("rss MiB"));
    EXPECT_THAT(text, Not(HasSubstr("syn-recv")));
    EXPECT_THAT(text, HasSubstr("200"));
    EXPECT_THAT(text, HasSubstr("2.5"));
}

TEST(SeriesTable, ALongSeriesIsThinnedKeepingFirstAndLast) {
    const std::string text = series_table(sampled(100), 10);
    EXPECT_THAT(text, HasSubstr("100 samples (10 shown)"));
    EXPECT_THAT(text, HasSubstr("49.50"));  // the last sample's time
    EXPECT_THAT(text, HasSubstr("9900"));
    EXPECT_THAT(text, HasSubstr("0.00"));
}

TEST(SeriesTable, NothingSampledIsNothingPrinted) { EXPECT_EQ(series_table(record::RunRecord{}), ""); }

}  // namespace
}  // namespace lab::analysis
