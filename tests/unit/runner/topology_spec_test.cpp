// A topology spec is checked whole before anything reaches the kernel; every problem names where it is.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "runner/topology.hpp"

namespace {

using lab::runner::Topology;
using lab::runner::TopologySpec;
using lab::runner::TopologySpecError;
using lab::runner::validate_topology;

TopologySpec valid_spec() {
    TopologySpec spec;
    spec.prefix = "lab-0000";
    for (const char* h : {"a", "b", "c", "d"})
        spec.hosts.push_back({h, std::string("lab-0000-") + h, {}});
    spec.hosts[0].sysctls.push_back({"net.ipv4.tcp_synack_retries", "2"});
    spec.segments.push_back({"ab", {{"a", "e0", "198.18.0.1/24"}, {"b", "e0", "198.18.0.2/24"}}});
    spec.segments.push_back(
        {"lan", {{"b", "e1", "198.18.1.1/24"}, {"c", "e0", "198.18.1.2/24"}, {"d", "e0", "198.18.1.3/24"}}});
    spec.routes.push_back({"a", "198.18.1.0/24", "198.18.0.2"});
    spec.routes.push_back({"c", "default", "198.18.1.1"});
    return spec;
}

bool mentions(const std::vector<std::string>& problems, const std::string& a, const std::string& b = "") {
    return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) {
        return p.find(a) != std::string::npos && p.find(b) != std::string::npos;
    });
}

std::string all(const std::vector<std::string>& problems) {
    std::string text;
    for (const auto& p : problems) text += p + "\n";
    return text;
}

TEST(TopologySpec, ValidSpecHasNoProblems) {
    auto problems = validate_topology(valid_spec());
    EXPECT_TRUE(problems.empty()) << all(problems);
}

TEST(TopologySpec, DuplicateInterfaceOnAHostNamesBothSegments) {
    auto spec = valid_spec();
    spec.segments[1].ends[0].ifname = "e0";  // b already has e0 on "ab"
    auto problems = validate_topology(spec);
    EXPECT_TRUE(mentions(problems, "segment 'lan' end 1 (host 'b')", "'ab'")) << all(problems);
}

TEST(TopologySpec, BadInterfaceNamesAndLoopback) {
    auto spec = valid_spec();
    spec.segments[0].ends[0].ifname = "much-too-long-name";
    spec.segments[0].ends[1].ifname = "lo";
    auto problems = validate_topology(spec);
    EXPECT_TRUE(mentions(problems, "end 1 (host 'a')", "longer than 15")) << all(problems);
    EXPECT_TRUE(mentions(problems, "end 2 (host 'b')", "loopback")) << all(problems);
}

TEST(TopologySpec, AddressesMustBeLabAddressesAndUnique) {
    auto spec = valid_spec();
    spec.segments[0].ends[0].cidr = "10.0.0.1/24";
    spec.segments[0].ends[1].cidr = "198.18.1.2/24";  // c has it on "lan"
    spec.segments[1].ends[0].cidr = "198.18.1.1";
    auto problems = validate_topology(spec);
    EXPECT_TRUE(mentions(problems, "host 'a'", "outside the lab range")) << all(problems);
    EXPECT_TRUE(mentions(problems, "host 'c'", "already used by segment 'ab' end 2")) << all(problems);
    EXPECT_TRUE(mentions(problems, "host 'b'", "'198.18.1.1'")) << all(problems);
}

TEST(TopologySpec, UnknownHostsAndShortSegments) {
    auto spec = valid_spec();
    spec.segments[0].ends[1].host = "nobody";
    spec.segments.push_back({"lonely", {{"a", "e9", "198.18.9.1/24"}}});
    spec.routes.push_back({"ghost", "198.18.5.0/24", "198.18.0.2"});
    auto problems = validate_topology(spec);
    EXPECT_TRUE(mentions(problems, "(host 'nobody')", "no such host")) << all(problems);
    EXPECT_TRUE(mentions(problems, "segment 'lonely'", "at least 2")) << all(problems);
    EXPECT_TRUE(mentions(problems, "route 3 (host 'ghost'", "no such host")) << all(problems);
}

TEST(TopologySpec, NamespacesCarryThePrefixAndLeaveTheSwitchNameFree) {
    auto spec = valid_spec();
    spec.hosts[0].netns_name = "other-a";
    spec.hosts[1].netns_name = "lab-0000--switch";
    spec.hosts[2].netns_name = "lab-0000-d";  // d's
    auto problems = validate_topology(spec);
    EXPECT_TRUE(mentions(problems, "host 'a'", "does not start with the run prefix")) << all(problems);
    EXPECT_TRUE(mentions(problems, "host 'b'", "reserved for the bridges")) << all(problems);
    EXPECT_TRUE(mentions(problems, "host 'd'", "already another host's")) << all(problems);
    EXPECT_EQ(lab::runner::switch_netns_name("lab-0000"), "lab-0000--switch");
}

TEST(TopologySpec, OnlyNetSysctls) {
    auto spec = valid_spec();
    spec.hosts[1].sysctls.push_back({"kernel.pid_max", "4096"});
    spec.hosts[2].sysctls.push_back({"net.ipv4..x", "1"});
    auto problems = validate_topology(spec);
    EXPECT_TRUE(mentions(problems, "host 'b'", "kernel.pid_max")) << all(problems);
    EXPECT_TRUE(mentions(problems, "host 'c'", "empty segment")) << all(problems);
}

TEST(TopologySpec, RoutesGoToLabNetworksThroughLabGateways) {
    auto spec = valid_spec();
    spec.routes = {{"a", "198.18.1.7/24", "198.18.0.2"},
                   {"a", "8.8.8.0/24", "198.18.0.2"},
                   {"a", "198.18.2.0/24", "192.168.1.1"},
                   {"a", "198.18.3.0/24", "not-an-address"}};
    auto problems = validate_topology(spec);
    EXPECT_TRUE(mentions(problems, "route 1", "host bits set; the network is 198.18.1.0/24")) << all(problems);
    EXPECT_TRUE(mentions(problems, "route 2", "outside the lab range")) << all(problems);
    EXPECT_TRUE(mentions(problems, "route 3", "gateway 192.168.1.1 is outside")) << all(problems);
    EXPECT_TRUE(mentions(problems, "route 4", "not-an-address")) << all(problems);
}

TEST(TopologySpec, EmptyPrefixIsRefused) {
    auto spec = valid_spec();
    spec.prefix = "";
    EXPECT_TRUE(mentions(validate_topology(spec), "prefix"));
}

// Validation runs before any kernel call, so this needs no root and creates nothing.
TEST(TopologySpec, BuildThrowsEveryProblemAtOnce) {
    auto spec = valid_spec();
    spec.segments[0].ends[0].ifname = "";
    spec.routes[0].via = "1.2.3.4";
    try {
        Topology::build(spec);
        FAIL() << "build accepted an invalid spec";
    } catch (const TopologySpecError& e) {
        EXPECT_EQ(e.problems().size(), 2u) << e.what();
        EXPECT_NE(std::string(e.what()).find("interface name is empty"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("1.2.3.4"), std::string::npos) << e.what();
    }
}

}  // namespace
