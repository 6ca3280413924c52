// `capture` on links and as steps, and the `packets` selector, as the parser takes them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scenario_parser.hpp"
#include "tests/unit/runner/scenario_parsing.hpp"

namespace {

using lab::runner::CaptureSpec;
using lab::runner::parse_scenario_text;
using lab::runner::Scenario;
using lab::runner::ScenarioError;
using lab::runner::StepKind;
using ::testing::HasSubstr;

std::string captured_scenario(const std::string& link_extra, const std::string& steps_extra, const std::string& expect) {
    return R"toml([scenario]
name = "cap"
summary = "a captured handshake"
time_limit = "10s"
[hosts.server]
[hosts.client]
[hosts.other]
[[links]]
name = "lan"
ends = ["server", "client"]
)toml" + link_extra + R"toml(
[[links]]
name = "side"
ends = ["client", "other"]
[[steps]]
at = "0s"
run = { name = "srv", host = "server", agent = "server", args = ["--port", "7000"] }
[[steps]]
at = "1s"
snapshot = "settled"
)toml" + steps_extra + "\n" + expect;
}

constexpr const char* kSynAcks = R"toml([[expect]]
id = "synacks"
host = "server"
packets = { link = "lan", filter = "tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)", from = "start", to = "settled" }
equals = 1
)toml";

using lab::runner::test::errors_of;

TEST(CaptureScenario, CaptureTrueTakesTheDocumentedDefaults) {
    Scenario s = parse_scenario_text(captured_scenario("capture = true", "", kSynAcks), "t.toml");
    ASSERT_TRUE(s.links[0].capture.has_value());
    EXPECT_TRUE(s.links[0].capture->from_start);
    EXPECT_EQ(s.links[0].capture->snaplen, 262144u);
    EXPECT_EQ(s.links[0].capture->max_bytes, 64ULL << 20);
    EXPECT_FALSE(s.links[1].capture.has_value());
    ASSERT_EQ(s.expectations.size(), 1u);
    const auto& e = s.expectations[0];
    EXPECT_EQ(e.kind, lab::record::ExpectKind::Packets);
    EXPECT_EQ(e.host, "server");
    EXPECT_EQ(e.packets.link, "lan");
    EXPECT_EQ(e.packets.from, "start");
    EXPECT_EQ(e.packets.to, "settled");
    EXPECT_EQ(e.packets.filter, "tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)");
}

TEST(CaptureScenario, SnaplenAndMaxSizeAreSettable) {
    Scenario s = parse_scenario_text(captured_scenario("capture = { snaplen = 128, max_size = \"1MiB\" }", "", kSynAcks), "t.toml");
    ASSERT_TRUE(s.links[0].capture.has_value());
    EXPECT_EQ(s.links[0].capture->snaplen, 128u);
    EXPECT_EQ(s.links[0].capture->max_bytes, 1u << 20);
}

TEST(CaptureScenario, AStartStepCapturesALinkFromThatStep) {
    Scenario s = parse_scenario_text(
        captured_scenario("", "[[steps]]\nat = \"500ms\"\ncapture = { link = \"lan\", action = \"start\" }\n"
                     "[[steps]]\nat = \"2s\"\ncapture = { link = \"lan\", action = \"stop\" }\n",
                 kSynAcks),
        "t.toml");
    ASSERT_TRUE(s.links[0].capture.has_value());
    EXPECT_FALSE(s.links[0].capture->from_start);
    auto captures = std::count_if(s.steps.begin(), s.steps.end(), [](const auto& st) { return st.kind == StepKind::Capture; });
    EXPECT_EQ(captures, 2);
}

TEST(CaptureScenario, StartingARunningCaptureIsAnErrorAtTheStep) {
    EXPECT_THAT(errors_of(captured_scenario("capture = true",
                                   "[[steps]]\nat = \"2s\"\ncapture = { link = \"lan\", action = \"stop\" }\n"
                                   "[[steps]]\nat = \"3s\"\ncapture = { link = \"lan\", action = \"stop\" }\n",
                                   kSynAcks)),
                HasSubstr("t.toml:24:1: capture on link 'lan' is already stopped at 3s"));
}

TEST(CaptureScenario, AFilterPcapCannotCompileIsAnErrorAtTheFilter) {
    std::string expect = R"toml([[expect]]
host = "server"
packets = { link = "lan", filter = "tcp[tcpflags] &&& tcp-syn" }
equals = 1
)toml";
    EXPECT_THAT(errors_of(captured_scenario("capture = true", "", expect)),
                HasSubstr("t.toml:24:36: filter 'tcp[tcpflags] &&& tcp-syn': can't parse filter expression: syntax error"));
}

TEST(CaptureScenario, APacketsSelectorNeedsACapturedLinkEnd) {
    std::string on_side = R"toml([[expect]]
host = "other"
packets = { link = "side" }
equals = 1
)toml";
    EXPECT_THAT(errors_of(captured_scenario("capture = true", "", on_side)),
                HasSubstr("link 'side' is not captured (give it capture = true; captured links: lan)"));
    std::string wrong_end = R"toml([[expect]]
host = "other"
packets = { link = "lan" }
equals = 1
)toml";
    EXPECT_THAT(errors_of(captured_scenario("capture = true", "", wrong_end)),
                HasSubstr("host 'other' is not an end of link 'lan' (its ends: client, server)"));
}

TEST(CaptureScenario, BoundsMustNameSnapshots) {
    std::string expect = R"toml([[expect]]
host = "server"
packets = { link = "lan", to = "later" }
equals = 1
)toml";
    EXPECT_THAT(errors_of(captured_scenario("capture = true", "", expect)),
                HasSubstr("no snapshot named 'later' (snapshots: end, settled, start)"));
}

TEST(CaptureScenario, TooSmallCapIsRefused) {
    EXPECT_THAT(errors_of(captured_scenario("capture = { max_size = 100 }", "", kSynAcks)),
                HasSubstr("max_size 100 is below 4096 bytes"));
}

}  // namespace
