// Interface and namespace names as the kernel and iproute2 would take them, refused before any
// request is sent.
#include <gtest/gtest.h>

#include <string>

#include "runner/link.hpp"
#include "runner/netns.hpp"

namespace {

using lab::runner::check_ifname;
using lab::runner::check_netns_name;

TEST(Ifname, AcceptsUpToFifteenPrintableCharacters) {
    EXPECT_EQ(check_ifname("eth0"), std::nullopt);
    EXPECT_EQ(check_ifname("lab3f2a-e0"), std::nullopt);
    EXPECT_EQ(check_ifname("br0p12"), std::nullopt);
    EXPECT_EQ(check_ifname(std::string(15, 'a')), std::nullopt);
}

TEST(Ifname, RefusesWhatTheKernelRefuses) {
    EXPECT_NE(check_ifname(""), std::nullopt);
    EXPECT_NE(check_ifname(std::string(16, 'a')), std::nullopt);
    EXPECT_NE(check_ifname("."), std::nullopt);
    EXPECT_NE(check_ifname(".."), std::nullopt);
    EXPECT_NE(check_ifname("a/b"), std::nullopt);
    EXPECT_NE(check_ifname("eth0:1"), std::nullopt);
    EXPECT_NE(check_ifname("eth 0"), std::nullopt);
    EXPECT_NE(check_ifname("eth\t0"), std::nullopt);
    EXPECT_NE(check_ifname("eth\n"), std::nullopt);
}

TEST(Ifname, RefusesPercentBecauseTheKernelWouldNumberIt) {
    EXPECT_NE(check_ifname("eth%d"), std::nullopt);
}

TEST(Ifname, ProblemQuotesTheName) {
    auto problem = check_ifname("a-name-far-too-long");
    ASSERT_TRUE(problem.has_value());
    EXPECT_NE(problem->find("'a-name-far-too-long'"), std::string::npos) << *problem;
    EXPECT_NE(problem->find("15"), std::string::npos) << *problem;
}

TEST(NetnsName, AcceptsIproute2StyleNames) {
    EXPECT_EQ(check_netns_name("lab-3f2a-server"), std::nullopt);
    EXPECT_EQ(check_netns_name("labtest-topo-1234-sw"), std::nullopt);
}

TEST(NetnsName, RefusesAnythingThatIsNotOnePathComponent) {
    EXPECT_NE(check_netns_name(""), std::nullopt);
    EXPECT_NE(check_netns_name("."), std::nullopt);
    EXPECT_NE(check_netns_name(".."), std::nullopt);
    EXPECT_NE(check_netns_name("../etc"), std::nullopt);
    EXPECT_NE(check_netns_name("a b"), std::nullopt);
    EXPECT_NE(check_netns_name(std::string(256, 'n')), std::nullopt);
}

}  // namespace
