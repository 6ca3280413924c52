// The address plan is part of validation: every link gets its subnet at parse time, and what would fail
// the run (a full lab range, overlapping subnets, a subnet or a bridge too small for its link) is an error
// at the link, with the other errors of the file. Nothing here touches the kernel.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scenario_parser.hpp"
#include "tests/unit/runner/scenario_parsing.hpp"

namespace {

using lab::runner::ResourceLimits;
using lab::runner::Scenario;
using lab::runner::ScenarioError;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using lab::runner::test::kRoomy;

Scenario parse_roomy(const std::string& text, const std::string& label) {
    return lab::runner::parse_scenario_text(text, label, kRoomy);
}

std::vector<std::string> plan_diagnostics(const std::string& text) { return lab::runner::test::diagnostics_of(text, "a.toml"); }

// Hosts h0 .. h(n-1) after a 4-line header, then a blank line: the links start on line n + 6.
std::string hosts(std::size_t n) {
    std::string text = "[scenario]\nname = \"plan\"\nsummary = \"s\"\n\n";
    for (std::size_t i = 0; i < n; ++i) text += "[hosts.h" + std::to_string(i) + "]\n";
    return text + "\n";
}

// One link of the hosts h0 .. h(n-1), with an optional subnet line.
std::string switch_of(std::size_t n, const std::string& subnet = "") {
    std::string text = "[[links]]\nname = \"lan\"\nends = [";
    for (std::size_t i = 0; i < n; ++i) text += (i ? ", \"h" : "\"h") + std::to_string(i) + "\"";
    text += "]\n";
    if (!subnet.empty()) text += "subnet = \"" + subnet + "\"\n";
    return text;
}

TEST(ScenarioAddressPlan, EveryLinkHasItsSubnetAfterValidation) {
    Scenario s = parse_roomy(hosts(3) + "[[links]]\nends = [\"h0\", \"h1\"]\n"
                                                "[[links]]\nends = [\"h1\", \"h2\"]\nsubnet = \"198.18.0.0/30\"\n"
                                                "[[links]]\nends = [\"h0\", \"h2\"]\n",
                                     "a.toml");
    ASSERT_EQ(s.links.size(), 3u);
    EXPECT_EQ(s.links[0].subnet.str(), "198.18.1.0/24");
    EXPECT_EQ(s.links[1].subnet.str(), "198.18.0.0/30");
    EXPECT_EQ(s.links[2].subnet.str(), "198.18.2.0/24");
}

// 600 two-ended links used to pass validation and fail the run with "no free /24 left", no location.
TEST(ScenarioAddressPlan, SixHundredLinksExhaustTheRangeAtTheFirstLinkThatFindsNoRoom) {
    std::string text = hosts(2);  // links start on line 8, two lines each
    for (int i = 0; i < 600; ++i) text += "[[links]]\nends = [\"h0\", \"h1\"]\n";
    EXPECT_THAT(plan_diagnostics(text),
                ElementsAre("a.toml:1032:1: no free /24 is left in the lab range 198.18.0.0/15 for link 'link512', "
                            "nor for the 87 links after it: the range holds 512 /24s, and a link without a 'subnet' "
                            "of its own is given a /24 (a larger block for more than 254 hosts); give links subnets "
                            "of their own (a two-ended link needs only a /30)"));

    text = hosts(2);
    for (int i = 0; i < 600; ++i)
        text += "[[links]]\nends = [\"h0\", \"h1\"]\nsubnet = \"198.18." + std::to_string(i / 64) + "." +
                std::to_string(i % 64 * 4) + "/30\"\n";
    EXPECT_EQ(parse_roomy(text, "a.toml").links.size(), 600u);
}

TEST(ScenarioAddressPlan, OverlappingSubnetsAreAnErrorAtTheLaterOne) {
    EXPECT_THAT(plan_diagnostics(hosts(2) + "[[links]]\nname = \"wide\"\nends = [\"h0\", \"h1\"]\nsubnet = \"198.18.0.0/16\"\n"
                                          "[[links]]\nends = [\"h0\", \"h1\"]\nsubnet = \"198.18.7.0/24\"\n"),
                ElementsAre("a.toml:14:10: subnet 198.18.7.0/24 of link 'link1' overlaps subnet 198.18.0.0/16 of link "
                            "'wide' (a.toml:11:10)"));
}

// A switch's size is its subnet's, not a fixed 254: a /22 holds 1022 hosts, and a link without a subnet
// is given a block that holds its hosts.
TEST(ScenarioAddressPlan, ASwitchHoldsWhatItsSubnetHolds) {
    EXPECT_THAT(plan_diagnostics(hosts(300) + switch_of(300, "198.18.4.0/24")),
                ElementsAre("a.toml:309:10: subnet 198.18.4.0/24 has room for 254 hosts; link 'lan' joins 300"));
    Scenario s = parse_roomy(hosts(1000) + switch_of(1000, "198.19.0.0/22"), "a.toml");
    EXPECT_EQ(s.links[0].ends.size(), 1000u);
    s = parse_roomy(hosts(1000) + switch_of(1000), "a.toml");
    EXPECT_EQ(s.links[0].subnet.str(), "198.18.0.0/22");
    s = parse_roomy(hosts(300) + switch_of(300), "a.toml");
    EXPECT_EQ(s.links[0].subnet.str(), "198.18.0.0/23");
}

// Port 0 of a bridge is reserved and port numbers have 10 bits: the 1024th port fails with EXFULL.
TEST(ScenarioAddressPlan, ABridgeHoldsAtMost1023Hosts) {
    EXPECT_EQ(parse_roomy(hosts(1023) + switch_of(1023), "a.toml").links[0].subnet.str(), "198.18.0.0/21");
    EXPECT_THAT(plan_diagnostics(hosts(1024) + switch_of(1024)),
                ElementsAre("a.toml:1032:8: a link joins at most 1023 hosts (a Linux bridge has 1023 ports); this "
                            "one joins 1024"));
}

TEST(ScenarioAddressPlan, ARouteViaAHostNeedsALinkBetweenThem) {
    const std::string text = "[scenario]\nname = \"r\"\nsummary = \"s\"\n[hosts.a]\n"
                             "routes = [ { to = \"198.19.0.0/24\", via = \"c\" } ]\n[hosts.b]\n[hosts.c]\n"
                             "[[links]]\nends = [\"a\", \"b\"]\n[[links]]\nends = [\"b\", \"c\"]\n";
    EXPECT_THAT(plan_diagnostics(text), ElementsAre("a.toml:5:12: route via 'c': host 'c' shares no link with 'a'"));
}

}  // namespace
