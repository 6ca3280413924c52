// A scenario needs namespaces, and descriptors in the lab process while it builds them; one that needs
// more than the process or the kernel allows is refused at validation, at [hosts], with the numbers.
#include "runner/scenario_budget.hpp"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scenario_parser.hpp"

namespace {

using lab::runner::parse_scenario_text;
using lab::runner::ResourceLimits;
using lab::runner::resource_needs;
using lab::runner::Scenario;
using lab::runner::ScenarioError;
using ::testing::ElementsAre;

const ResourceLimits kThisMachine{20'000, 96'365};  // what the 10 000-host run met: soft = hard = 20000

std::vector<std::string> diagnostics_of(const std::string& text, const ResourceLimits& limits) {
    try {
        parse_scenario_text(text, "b.toml", limits);
    } catch (const ScenarioError& e) {
        return e.diagnostics();
    }
    ADD_FAILURE() << "expected a ScenarioError";
    return {};
}

// n hosts (the first on line 5) in pairs, each pair on a /30 link of its own so that addresses never run out.
std::string pairs(std::size_t n) {
    std::string text = "[scenario]\nname = \"many\"\nsummary = \"s\"\n\n";
    for (std::size_t i = 0; i < n; ++i) text += "[hosts.h" + std::to_string(i) + "]\n";
    for (std::size_t i = 0; i + 1 < n; i += 2) {
        const std::uint32_t net = 0xC6120000u + 4 * static_cast<std::uint32_t>(i / 2);
        text += "[[links]]\nends = [\"h" + std::to_string(i) + "\", \"h" + std::to_string(i + 1) + "\"]\n" +
                "subnet = \"" + std::to_string(net >> 24) + "." + std::to_string((net >> 16) & 255) + "." +
                std::to_string((net >> 8) & 255) + "." + std::to_string(net & 255) + "/30\"\n";
    }
    return text;
}

TEST(ScenarioBudget, TwoDescriptorsPerNamespaceAndTheSwitchCounts) {
    Scenario s = parse_scenario_text(pairs(2), "b.toml", kThisMachine);
    EXPECT_EQ(resource_needs(s).namespaces, 2u);
    EXPECT_EQ(resource_needs(s).descriptors, 2u * 2 + 32);
    s.links[0].shaped = true;  // a shaped link's ports live in the switch namespace
    EXPECT_EQ(resource_needs(s).namespaces, 3u);
    EXPECT_EQ(resource_needs(s).descriptors, 3u * 2 + 32);
    s = parse_scenario_text(pairs(4) + "[[links]]\nends = [\"h0\", \"h1\", \"h2\"]\n", "b.toml", kThisMachine);
    EXPECT_EQ(resource_needs(s).namespaces, 5u);
}

// 10 000 hosts used to create 9 995 namespaces in 17 s and then fail with "libnl: Unspecific failure".
TEST(ScenarioBudget, TenThousandHostsAreRefusedAtHostsWithTheNumbers) {
    const std::string text = pairs(10'000);
    EXPECT_THAT(diagnostics_of(text, kThisMachine),
                ElementsAre("b.toml:5:1: 10000 hosts need 10000 network namespaces, and lab holds 20032 descriptors "
                            "while it builds them (2 per namespace, 32 of its own), but it may open 20000 "
                            "(RLIMIT_NOFILE; lab raises its soft limit to the hard one, so raise the hard limit: "
                            "ulimit -Hn, prlimit, or LimitNOFILE= in a systemd unit)"));
    EXPECT_EQ(parse_scenario_text(text, "b.toml", {20'032, 96'365}).hosts.size(), 10'000u);
    EXPECT_THAT(diagnostics_of(text, {1'048'576, 5'000}),
                ElementsAre("b.toml:5:1: 10000 hosts need 10000 network namespaces, but the kernel allows 5000 per "
                            "user (/proc/sys/user/max_net_namespaces; namespaces that exist already count too)"));
    EXPECT_EQ(parse_scenario_text(text, "b.toml", {1'048'576, std::nullopt}).hosts.size(), 10'000u);
}

// As first written: 5000 links without subnets run out of addresses too, and both are reported at once.
TEST(ScenarioBudget, TenThousandHostsOnAutomaticSubnetsGetBothErrors) {
    std::string text = "[scenario]\nname = \"many\"\nsummary = \"s\"\n\n";
    for (int i = 0; i < 10'000; ++i) text += "[hosts.h" + std::to_string(i) + "]\n";
    for (int i = 0; i < 10'000; i += 2)
        text += "[[links]]\nends = [\"h" + std::to_string(i) + "\", \"h" + std::to_string(i + 1) + "\"]\n";
    auto d = diagnostics_of(text, kThisMachine);
    ASSERT_EQ(d.size(), 2u);
    EXPECT_THAT(d[0], ::testing::StartsWith("b.toml:11029:1: no free /24 is left in the lab range 198.18.0.0/15 for "
                                            "link 'link512', nor for the 4487 links after it"));
    EXPECT_THAT(d[1], ::testing::StartsWith("b.toml:5:1: 10000 hosts need 10000 network namespaces"));
}

TEST(ScenarioBudget, TheSwitchNamespaceIsNamedInTheCount) {
    EXPECT_THAT(diagnostics_of(pairs(60) + "[[links]]\nends = [\"h0\", \"h1\", \"h2\"]\n", {100, std::nullopt}),
                ElementsAre(::testing::StartsWith("b.toml:5:1: 60 hosts need 61 network namespaces (the switch's "
                                                  "included), and lab holds 154 descriptors")));
}

}  // namespace
