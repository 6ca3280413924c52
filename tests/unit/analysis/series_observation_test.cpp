// Series expectations: a host's sampled metric reduced, or read at a time, within a window.
#include "analysis/series_observation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analysis/evaluate.hpp"

namespace lab::analysis {
namespace {

using ::testing::HasSubstr;

record::RunRecord ramp() {
    record::RunRecord r;
    record::HostSeries s;
    s.host = "server";
    s.every_s = 1;
    for (int i = 0; i <= 5; ++i) {
        record::SeriesPoint p;
        p.t = i;
        p.values["sockets.established"] = i < 4 ? i * 100 : 250;  // 0 100 200 300 250 250
        if (i >= 2) p.values["rss.srv"] = 1000.0 + i;              // the process started late
        s.points.push_back(p);
    }
    r.series = {s};
    return r;
}

record::Selection series(std::string metric, std::string reduce, std::optional<double> at = std::nullopt,
                         std::optional<double> from = std::nullopt, std::optional<double> to = std::nullopt) {
    record::Selection sel;
    sel.kind = record::ExpectKind::Series;
    sel.series = {"server", std::move(metric), std::move(reduce), at, from, to};
    return sel;
}

TEST(SeriesObservation, Reductions) {
    const auto r = ramp();
    EXPECT_EQ(observe(r, series("sockets.established", "max")).value, 300);
    EXPECT_EQ(observe(r, series("sockets.established", "min")).value, 0);
    EXPECT_EQ(observe(r, series("sockets.established", "first")).value, 0);
    EXPECT_EQ(observe(r, series("sockets.established", "last")).value, 250);
    EXPECT_DOUBLE_EQ(*observe(r, series("sockets.established", "mean")).value, 1100.0 / 6);
}

TEST(SeriesObservation, AtTakesTheLastSampleAtOrBeforeTheTime) {
    const auto r = ramp();
    EXPECT_EQ(observe(r, series("sockets.established", "", 2.5)).value, 200);
    EXPECT_EQ(observe(r, series("sockets.established", "", 3.0)).value, 300);
    auto before = observe(r, series("sockets.established", "", -1.0));
    EXPECT_FALSE(before.value);
    EXPECT_THAT(before.problem, HasSubstr("no sample of sockets.established on host 'server' at or before -1s"));
}

TEST(SeriesObservation, AWindowNarrowsTheReduction) {
    const auto r = ramp();
    EXPECT_EQ(observe(r, series("sockets.established", "min", std::nullopt, 1.0, 3.0)).value, 100);
    EXPECT_EQ(observe(r, series("sockets.established", "max", std::nullopt, 4.0)).value, 250);
}

TEST(SeriesObservation, SamplesWithoutTheMetricAreLeftOut) {
    const auto r = ramp();
    EXPECT_EQ(observe(r, series("rss.srv", "first")).value, 1002);
    auto none = observe(r, series("rss.cli", "max"));
    EXPECT_FALSE(none.value);
    EXPECT_THAT(none.problem, HasSubstr("no sample of host 'server' has rss.cli (6 samples in all)"));
}

TEST(SeriesObservation, AHostNotSampledOrNoSeriesAtAllSaysSo) {
    auto r = ramp();
    auto sel = series("sockets.established", "max");
    sel.series.host = "client";
    EXPECT_THAT(observe(r, sel).problem, HasSubstr("host 'client' was not sampled"));
    r.series.clear();
    EXPECT_THAT(observe(r, sel).problem, HasSubstr("recorded no series"));
}

TEST(SeriesObservation, JudgedLikeAnyExpectation) {
    auto r = ramp();
    record::Expectation e;
    static_cast<record::Selection&>(e) = series("sockets.established", "max");
    e.id = "peak";
    e.min = 300;
    r.expectations = {e};
    auto verdicts = evaluate(r);
    ASSERT_EQ(verdicts.size(), 1u);
    EXPECT_EQ(verdicts[0].status, record::VerdictStatus::Pass);
    EXPECT_EQ(verdicts[0].observed, "300");
}

}  // namespace
}  // namespace lab::analysis
