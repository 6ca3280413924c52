#include "runner/agent_series.hpp"

#include <gtest/gtest.h>

#include "runner/agent_events.hpp"

namespace {

using lab::runner::parse_agent_events;
using lab::runner::take_agent_series;

TEST(AgentSeries, PerSecondLinesBecomeTheSeriesAndLeaveTheEvents) {
    const std::string text =
        R"({"agent":"client","conn":-1,"op":"second","result":"ok","start_ns":1000000000,"end_ns":2000000000,)"
        R"("established":500,"connects_ok":500,"connect_errors":{"EADDRNOTAVAIL":3},"rtt_us":{"p50":80,"p99":950,"max":1200}})"
        "\n"
        R"({"agent":"client","conn":-1,"op":"second","result":"ok","start_ns":2000000000,"end_ns":3000000000,"established":900})"
        "\n"
        R"({"agent":"client","conn":-1,"op":"summary","result":"ok","start_ns":0,"end_ns":3000000000,"pongs":1400})"
        "\n";
    auto events = parse_agent_events(text, "cli.0.stdout", "cli", 0, 1'000'000'000);
    ASSERT_EQ(events.size(), 3u);
    auto series = take_agent_series(events);

    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].op, "summary");
    EXPECT_EQ(events[0].values.at("pongs"), 1400);

    ASSERT_EQ(series.size(), 2u);
    EXPECT_DOUBLE_EQ(series[0].t, 1.0);
    EXPECT_EQ(series[0].values, (std::map<std::string, double>{{"connect_errors.EADDRNOTAVAIL", 3},
                                                                {"connects_ok", 500},
                                                                {"established", 500},
                                                                {"rtt_us.max", 1200},
                                                                {"rtt_us.p50", 80},
                                                                {"rtt_us.p99", 950}}));
    EXPECT_DOUBLE_EQ(series[1].t, 2.0);
    EXPECT_EQ(series[1].values.at("established"), 900);
}

TEST(AgentSeries, AnAgentWithoutPerSecondLinesHasAnEmptySeries) {
    auto events = parse_agent_events(R"({"op":"connect","result":"ok","start_ns":0,"end_ns":5})", "x", "cli", 0, 0);
    EXPECT_TRUE(take_agent_series(events).empty());
    EXPECT_EQ(events.size(), 1u);
}

}  // namespace
