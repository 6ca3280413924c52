#include "runner/lab_addresses.hpp"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using namespace lab::runner;
using ::testing::ElementsAre;

TEST(LabAddresses, AcceptsOnlyTheBenchmarkingRange) {
    EXPECT_FALSE(lab_cidr_problem("198.18.0.0/24"));
    EXPECT_FALSE(lab_cidr_problem("198.19.255.0/24"));
    EXPECT_TRUE(lab_cidr_problem("198.20.0.0/24"));
    EXPECT_TRUE(lab_cidr_problem("10.0.0.0/24"));
    EXPECT_TRUE(lab_cidr_problem("192.168.1.0/24"));
    EXPECT_TRUE(lab_cidr_problem("198.18.0.0/8"));
    EXPECT_TRUE(lab_cidr_problem("198.18.0.0"));
    EXPECT_TRUE(lab_cidr_problem("198.18.0.0/33"));
}

// The subnet a link got, as text, or what went wrong.
std::string text_of(const std::variant<Ipv4Cidr, SubnetProblem>& choice) {
    if (const auto* net = std::get_if<Ipv4Cidr>(&choice)) return net->str();
    const auto& p = std::get<SubnetProblem>(choice);
    return p.kind == SubnetProblem::Kind::Overlap ? "overlaps link " + std::to_string(p.other)
                                                  : "range full for a /" + std::to_string(p.prefix);
}

std::vector<std::string> plan(const std::vector<SubnetRequest>& links) {
    std::vector<std::string> out;
    for (const auto& choice : assign_subnets(links)) out.push_back(text_of(choice));
    return out;
}

SubnetRequest fixed(const char* cidr, std::size_t hosts = 2) { return {parse_cidr(cidr), hosts}; }
SubnetRequest automatic(std::size_t hosts = 2) { return {std::nullopt, hosts}; }

TEST(LabAddresses, AssignsFreeSubnetsAroundFixedOnes) {
    EXPECT_THAT(plan({automatic(), fixed("198.18.0.0/24"), automatic(), fixed("198.18.2.128/25")}),
                ElementsAre("198.18.1.0/24", "198.18.0.0/24", "198.18.3.0/24", "198.18.2.128/25"));
    EXPECT_EQ(parse_cidr("198.18.2.128/25")->host_count(), 126u);
}

TEST(LabAddresses, FixedSubnetsAreNetworks) {
    EXPECT_THAT(plan({fixed("198.18.4.9/24")}), ElementsAre("198.18.4.0/24"));
}

TEST(LabAddresses, AnOverlapIsTheLaterLinksProblemAndNamesTheEarlierOne) {
    EXPECT_THAT(plan({fixed("198.18.0.0/16"), automatic(), fixed("198.18.4.0/24"), fixed("198.19.0.0/30"),
                      fixed("198.19.0.0/24")}),
                ElementsAre("198.18.0.0/16", "198.19.1.0/24", "overlaps link 0", "198.19.0.0/30", "overlaps link 3"));
}

TEST(LabAddresses, RangeHasRoomFor512AutomaticLinks) {
    std::vector<SubnetRequest> links(513, automatic());
    auto out = plan(links);
    EXPECT_EQ(out[0], "198.18.0.0/24");
    EXPECT_EQ(out[511], "198.19.255.0/24");
    EXPECT_EQ(out[512], "range full for a /24");
    // The same 600 links with /30s of their own fit.
    for (std::size_t i = 0; i < 600; ++i)
        links.resize(600), links[i] = {Ipv4Cidr{0xC6120000u + 4 * static_cast<std::uint32_t>(i), 30}, 2};
    out = plan(links);
    EXPECT_EQ(std::count_if(out.begin(), out.end(), [](const auto& t) { return t.ends_with("/30"); }), 600);
}

// A link with more hosts than a /24 holds gets the smallest aligned block that holds them, after the
// blocks taken before it; smaller links go on filling the gaps.
TEST(LabAddresses, BigLinksGetBiggerAlignedBlocks) {
    EXPECT_EQ(automatic_prefix(2), 24);
    EXPECT_EQ(automatic_prefix(254), 24);
    EXPECT_EQ(automatic_prefix(255), 23);
    EXPECT_EQ(automatic_prefix(1000), 22);
    EXPECT_EQ(automatic_prefix(1022), 22);
    EXPECT_EQ(automatic_prefix(1023), 21);
    EXPECT_EQ(automatic_prefix(65534), 16);
    EXPECT_EQ(automatic_prefix(65535), 0);
    EXPECT_THAT(plan({automatic(), automatic(1000), automatic(), fixed("198.18.8.0/24"), automatic(300)}),
                ElementsAre("198.18.0.0/24", "198.18.4.0/22", "198.18.1.0/24", "198.18.8.0/24", "198.18.2.0/23"));
}

TEST(LabAddresses, TwoBlocksOfAWholeHalfFillTheRange) {
    EXPECT_THAT(plan({automatic(60000), automatic(60000), automatic(60000)}),
                ElementsAre("198.18.0.0/16", "198.19.0.0/16", "range full for a /16"));
}

}  // namespace
