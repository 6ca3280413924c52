// Only net.* sysctls exist per network namespace: every other key is refused before any file opens.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "runner/sysctl.hpp"

namespace {

using lab::runner::check_sysctl_key;
using lab::runner::check_sysctl_value;
using lab::runner::sysctl_path;

TEST(SysctlKey, AcceptsNetKeys) {
    EXPECT_EQ(check_sysctl_key("net.ipv4.tcp_synack_retries"), std::nullopt);
    EXPECT_EQ(check_sysctl_key("net.core.somaxconn"), std::nullopt);
    EXPECT_EQ(check_sysctl_key("net.ipv4.conf.lab3f2a-e0.rp_filter"), std::nullopt);
    EXPECT_EQ(check_sysctl_key("net.ipv6.conf.default.disable_ipv6"), std::nullopt);
}

TEST(SysctlKey, RefusesKeysOutsideNetBecauseTheyWouldChangeTheHost) {
    auto problem = check_sysctl_key("kernel.pid_max");
    ASSERT_TRUE(problem.has_value());
    EXPECT_NE(problem->find("kernel.pid_max"), std::string::npos) << *problem;
    EXPECT_NE(check_sysctl_key("vm.swappiness"), std::nullopt);
    EXPECT_NE(check_sysctl_key("fs.file-max"), std::nullopt);
    EXPECT_NE(check_sysctl_key("network.x.y"), std::nullopt);
    EXPECT_NE(check_sysctl_key("net"), std::nullopt);
}

TEST(SysctlKey, RefusesPathTricksAndOddCharacters) {
    EXPECT_NE(check_sysctl_key("net..ipv4.x"), std::nullopt);
    EXPECT_NE(check_sysctl_key("net.ipv4."), std::nullopt);
    EXPECT_NE(check_sysctl_key("net.ipv4/../../kernel/pid_max"), std::nullopt);
    EXPECT_NE(check_sysctl_key("net.ipv4.TCP_x"), std::nullopt);
    EXPECT_NE(check_sysctl_key("net.ipv4.tcp x"), std::nullopt);
    EXPECT_NE(check_sysctl_key("net.core"), std::nullopt);  // a directory
}

TEST(SysctlValue, AcceptsNumbersAndVectorsRefusesControlCharacters) {
    EXPECT_EQ(check_sysctl_value("net.ipv4.tcp_rmem", "4096 131072 6291456"), std::nullopt);
    EXPECT_EQ(check_sysctl_value("net.ipv4.tcp_rmem", "4096\t131072\t6291456"), std::nullopt);
    EXPECT_NE(check_sysctl_value("net.core.somaxconn", ""), std::nullopt);
    EXPECT_NE(check_sysctl_value("net.core.somaxconn", "1\n2"), std::nullopt);
}

TEST(SysctlPath, MapsDotsToDirectories) {
    EXPECT_EQ(sysctl_path("net.ipv4.tcp_synack_retries"), "/proc/sys/net/ipv4/tcp_synack_retries");
    EXPECT_EQ(sysctl_path("net.ipv4.conf.lab-e0.rp_filter"), "/proc/sys/net/ipv4/conf/lab-e0/rp_filter");
}

}  // namespace
