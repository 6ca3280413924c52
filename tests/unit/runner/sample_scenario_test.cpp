// [sample], snapshot `detail` and `series` selections, as the parser takes them and refuses them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scenario_parser.hpp"
#include "tests/unit/runner/scenario_parsing.hpp"

namespace {

using lab::runner::test::errors_or_nothing;

using lab::runner::parse_scenario_text;
using lab::runner::Scenario;
using lab::runner::ScenarioError;
using lab::runner::StepKind;
using ::testing::HasSubstr;

std::string sampled_scenario(const std::string& sample, const std::string& expect, const std::string& detail = "") {
    return R"toml([scenario]
name = "sampled"
summary = "a sampled ramp"
time_limit = "10s"
[hosts.server]
[hosts.client]
[[links]]
ends = ["server", "client"]
[[steps]]
at = "0s"
run = { name = "srv", host = "server", agent = "server", args = ["--port", "7000"] }
[[steps]]
at = "1s"
snapshot = "up"
)toml" + detail + "\n" + sample + "\n" + expect;
}

constexpr const char* kSample = "[sample]\nevery = \"500ms\"\nhosts = [\"server\"]\n";
constexpr const char* kPeak = R"toml([[expect]]
id = "peak"
series = { host = "server", metric = "sockets.established", reduce = "max" }
equals = 10
)toml";

TEST(SampleScenario, SampleTableAndSeriesExpectation) {
    Scenario s = parse_scenario_text(sampled_scenario(kSample, kPeak), "t.toml");
    ASSERT_TRUE(s.sample);
    EXPECT_EQ(s.sample->every, std::chrono::milliseconds(500));
    EXPECT_EQ(s.sample->hosts, std::vector<std::string>{"server"});
    EXPECT_EQ(s.sample->detail, "counts");
    ASSERT_EQ(s.expectations.size(), 1u);
    EXPECT_EQ(s.expectations[0].kind, lab::record::ExpectKind::Series);
    EXPECT_EQ(s.expectations[0].series.host, "server");
    EXPECT_EQ(s.expectations[0].series.reduce, "max");
}

TEST(SampleScenario, DefaultsSampleEveryHostEverySecond) {
    Scenario s = parse_scenario_text(sampled_scenario("[sample]\ncounters = [\"TcpExt.TCPSackRecovery\"]\n", ""), "t.toml");
    ASSERT_TRUE(s.sample);
    EXPECT_EQ(s.sample->every, std::chrono::seconds(1));
    EXPECT_EQ(s.sample->hosts, (std::vector<std::string>{"server", "client"}));
    EXPECT_EQ(s.sample->counters, std::vector<std::string>{"TcpExt.TCPSackRecovery"});
}

TEST(SampleScenario, AtAndWindowOfASeries) {
    Scenario s = parse_scenario_text(
        sampled_scenario(kSample, "[[expect]]\nseries = { host = \"server\", metric = \"rss.srv.0\", at = \"2s\", from = "
                          "\"1s\" }\nmin = 1\n"),
        "t.toml");
    EXPECT_EQ(s.expectations.at(0).series.at_s, 2.0);
    EXPECT_EQ(s.expectations.at(0).series.from_s, 1.0);
    EXPECT_FALSE(s.expectations.at(0).series.to_s);
}

TEST(SampleScenario, BadSampleTablesAreErrorsWhereWritten) {
    EXPECT_THAT(errors_or_nothing(sampled_scenario("[sample]\nevery = \"10ms\"\n", "")), HasSubstr("t.toml:17:9: 'every' = 10ms is shorter than 100ms"));
    EXPECT_THAT(errors_or_nothing(sampled_scenario("[sample]\nhosts = [\"nobody\"]\n", "")), HasSubstr("t.toml:17:9: no host named 'nobody'"));
    EXPECT_THAT(errors_or_nothing(sampled_scenario("[sample]\ndetail = \"full\"\n", "")),
                HasSubstr("t.toml:17:10: sample detail 'full' is unknown"));
    EXPECT_THAT(errors_or_nothing(sampled_scenario("[sample]\ncounters = [\"ListenDrops\"]\n", "")),
                HasSubstr("counter 'ListenDrops' must be Section.Name"));
}

TEST(SampleScenario, BadSeriesSelectionsAreErrorsWhereWritten) {
    EXPECT_THAT(errors_or_nothing(sampled_scenario("", kPeak)), HasSubstr("t.toml:19:10: a series selection needs a [sample] table"));
    auto expect = [](const std::string& series) { return "[[expect]]\nseries = " + series + "\nequals = 1\n"; };
    EXPECT_THAT(errors_or_nothing(sampled_scenario(kSample, expect("{ host = \"client\", metric = \"sockets.total\", reduce = \"max\" }"))),
                HasSubstr("t.toml:21:19: host 'client' is not sampled (sampled: server)"));
    EXPECT_THAT(errors_or_nothing(sampled_scenario(kSample, expect("{ host = \"server\", metric = \"sockets.open\", reduce = \"max\" }"))),
                HasSubstr("'sockets.open': 'open' is no socket state"));
    EXPECT_THAT(errors_or_nothing(sampled_scenario(kSample, expect("{ host = \"server\", metric = \"rate.TcpExt.Foo\", reduce = \"max\" }"))),
                HasSubstr("counter 'TcpExt.Foo' is not sampled: add it to [sample] counters"));
    EXPECT_THAT(errors_or_nothing(sampled_scenario(kSample, expect("{ host = \"server\", metric = \"rss.cli\", reduce = \"max\" }"))),
                HasSubstr("no process named 'cli' is started by any step"));
    EXPECT_THAT(errors_or_nothing(sampled_scenario(kSample, expect("{ host = \"server\", metric = \"sockets.total\", reduce = \"p99\" }"))),
                HasSubstr("reduce 'p99' is unknown (known: max, min, mean, first, last)"));
    EXPECT_THAT(errors_or_nothing(sampled_scenario(kSample, expect("{ host = \"server\", metric = \"sockets.total\" }"))),
                HasSubstr("t.toml:21:10: a series selection needs exactly one of 'reduce'"));
    EXPECT_THAT(errors_or_nothing(sampled_scenario(kSample, "[[expect]]\nhost = \"server\"\nseries = { host = \"server\", metric = "
                                            "\"sockets.total\", reduce = \"max\" }\nequals = 1\n")),
                HasSubstr("t.toml:21:8: 'host' of a series selection goes inside it"));
    EXPECT_THAT(errors_or_nothing(sampled_scenario("[sample]\ndetail = \"none\"\n", expect("{ host = \"server\", metric = "
                                                                         "\"accept_queue\", reduce = \"max\" }"))),
                HasSubstr("'accept_queue' needs sockets counted, but [sample] has detail = \"none\""));
}

TEST(SampleScenario, SnapshotDetail) {
    Scenario s = parse_scenario_text(sampled_scenario("", "", "detail = \"counts\"\n"), "t.toml");
    bool found = false;
    for (const auto& step : s.steps)
        if (step.kind == StepKind::Snapshot) {
            EXPECT_EQ(step.snapshot_detail, "counts");
            found = true;
        }
    EXPECT_TRUE(found);
    EXPECT_THAT(errors_or_nothing(sampled_scenario("", "", "detail = \"some\"\n")),
                HasSubstr("t.toml:15:10: snapshot detail 'some' is unknown (full, counts or none)"));
    EXPECT_THAT(errors_or_nothing(sampled_scenario("", "[[expect]]\nat = \"up\"\nhost = \"server\"\nsockets = { state = \"listen\" }\n"
                                       "equals = 1\n",
                                   "detail = \"none\"\n")),
                HasSubstr("t.toml:19:6: snapshot 'up' is taken with detail = \"none\": it keeps no sockets to select"));
}

TEST(SampleScenario, DetailBelongsToASnapshotStep) {
    const std::string text = sampled_scenario("", "") + "[[steps]]\nat = \"2s\"\nstop = \"srv\"\ndetail = \"none\"\n";
    EXPECT_THAT(errors_or_nothing(text), HasSubstr("'detail' belongs to a snapshot step"));
}

}  // namespace
