// Only sysctls the kernel keeps per network namespace may be set: net.* alone is not enough, some net.*
// files are visible in every namespace but hold one value for the whole machine. Every other key is
// refused, with the reason, before any file opens.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>

#include "runner/scenario_parser.hpp"
#include "runner/sysctl.hpp"

namespace {

using lab::runner::check_sysctl_key;
using lab::runner::check_sysctl_value;
using lab::runner::sysctl_path;

std::string refusal(std::string_view key) {
    auto problem = check_sysctl_key(key);
    return problem ? *problem : "(accepted)";
}

TEST(SysctlKey, AcceptsNetKeys) {
    EXPECT_EQ(check_sysctl_key("net.ipv4.tcp_synack_retries"), std::nullopt);
    EXPECT_EQ(check_sysctl_key("net.core.somaxconn"), std::nullopt);
    EXPECT_EQ(check_sysctl_key("net.ipv4.conf.lab3f2a-e0.rp_filter"), std::nullopt);
    EXPECT_EQ(check_sysctl_key("net.ipv6.conf.default.disable_ipv6"), std::nullopt);
}

TEST(SysctlKey, AcceptsThePerNamespaceKnobsAScenarioIsLikelyToWant) {
    for (const char* key : {
             "net.ipv4.tcp_syncookies", "net.ipv4.tcp_syn_retries", "net.ipv4.tcp_max_syn_backlog",
             "net.ipv4.tcp_abort_on_overflow", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", "net.ipv4.tcp_fin_timeout",
             "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_congestion_control",
             "net.ipv4.tcp_ecn", "net.ipv4.tcp_retries2", "net.ipv4.tcp_max_tw_buckets", "net.ipv4.ip_local_port_range",
             "net.ipv4.ip_local_reserved_ports", "net.ipv4.ip_forward", "net.ipv4.ping_group_range",
             "net.ipv4.udp_rmem_min", "net.ipv4.icmp_ratelimit", "net.ipv4.conf.all.rp_filter",
             "net.ipv4.conf.default.arp_announce", "net.ipv4.conf.eth0.forwarding",
             "net.ipv4.neigh.lab3f2a-e0.base_reachable_time_ms", "net.ipv4.neigh.lo.unres_qlen",
             "net.ipv4.route.min_pmtu", "net.ipv4.route.flush", "net.ipv6.conf.all.forwarding",
             "net.ipv6.neigh.eth0.retrans_time_ms", "net.ipv6.route.gc_thresh", "net.ipv6.icmp.ratelimit",
             "net.core.optmem_max", "net.core.txrehash", "net.core.xfrm_larval_drop", "net.unix.max_dgram_qlen",
             "net.netfilter.nf_conntrack_tcp_timeout_established", "net.netfilter.nf_log.2",
             "net.bridge.bridge-nf-call-iptables", "net.mptcp.enabled", "net.sctp.rto_min",
             "net.mpls.platform_labels", "net.ipv4.vs.conntrack"}) {
        EXPECT_EQ(check_sysctl_key(key), std::nullopt) << key;
    }
}

// The catalogue's scenarios must keep validating: every sysctl they set is per-namespace.
TEST(SysctlKey, AcceptsEverySysctlTheCatalogueSets) {
    std::set<std::string> keys;
    for (const char* dir : {"scenarios", "tests/e2e/scenarios"}) {
        for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(LAB_SOURCE_DIR) / dir)) {
            if (entry.path().extension() != ".toml") continue;
            try {
                const auto scenario = lab::runner::parse_scenario_file(entry.path().string());
                for (const auto& host : scenario.hosts)
                    for (const auto& s : host.sysctls) keys.insert(s.key);
            } catch (const lab::runner::ScenarioError& e) {
                ADD_FAILURE() << entry.path() << ": " << e.what() << " " << e.diagnostics().front();
            }
        }
    }
    EXPECT_TRUE(keys.contains("net.ipv4.tcp_synack_retries"));
    EXPECT_TRUE(keys.contains("net.core.somaxconn"));
    EXPECT_GE(keys.size(), 8U);
    for (const auto& key : keys) EXPECT_EQ(check_sysctl_key(key), std::nullopt) << key;
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
    EXPECT_NE(check_sysctl_key("net.ipv4"), std::nullopt);  // a directory
}

// The bug this table exists for: visible and writable in every namespace, one switch for the machine,
// and the kernel refuses to turn it off again (EBUSY).
TEST(SysctlKey, RefusesNfHooksLwtunnelBecauseOneSwitchServesTheWholeMachine) {
    EXPECT_EQ(refusal("net.netfilter.nf_hooks_lwtunnel"),
              "net.netfilter.nf_hooks_lwtunnel is one value for the whole machine: a scenario may not change it "
              "(the kernel keeps one switch, nf_hooks_lwtunnel_enabled, for every namespace, and once on it "
              "cannot be turned off until reboot)");
}

TEST(SysctlKey, RefusesNetCoreExceptItsPerNamespaceFew) {
    const std::string why = refusal("net.core.netdev_max_backlog");
    EXPECT_TRUE(why.starts_with("net.core.netdev_max_backlog is one value for the whole machine: a scenario may "
                                "not change it ("))
        << why;
    EXPECT_NE(why.find("somaxconn"), std::string::npos) << why;  // says which ones are per namespace
    for (const char* key : {"net.core.default_qdisc", "net.core.busy_poll", "net.core.bpf_jit_enable",
                            "net.core.rps_sock_flow_entries", "net.core.dev_weight", "net.core.somaxconn_typo"})
        EXPECT_NE(check_sysctl_key(key), std::nullopt) << key;
}

// Visible in every namespace but read-only outside the host's: the host's value shown through.
TEST(SysctlKey, RefusesKeysANamespaceSeesOnlyReadOnly) {
    for (const char* key : {"net.core.rmem_max", "net.core.rmem_default", "net.core.wmem_max",
                            "net.core.wmem_default", "net.netfilter.nf_conntrack_max",
                            "net.netfilter.nf_conntrack_expect_max", "net.netfilter.nf_conntrack_buckets",
                            "net.ipv4.tcp_allowed_congestion_control", "net.ipv4.vs.debug_level"}) {
        const std::string why = refusal(key);
        EXPECT_TRUE(why.starts_with(std::string(key) + " is one value for the whole machine")) << why;
    }
    EXPECT_NE(refusal("net.core.rmem_max").find("read-only"), std::string::npos);
}

// Registered for the host's namespace only: a namespace has no such file, and the value is the machine's.
TEST(SysctlKey, RefusesKeysOnlyTheHostNamespaceHas) {
    for (const char* key : {"net.ipv4.tcp_mem", "net.ipv4.udp_mem", "net.ipv4.tcp_max_orphans",
                            "net.ipv4.inet_peer_threshold", "net.ipv4.route.gc_thresh", "net.ipv4.route.max_size",
                            "net.ipv4.neigh.default.gc_thresh3", "net.ipv6.neigh.default.gc_thresh1",
                            "net.ipv6.mld_max_msf", "net.nf_conntrack_max", "net.netfilter.nf_log_all_netns",
                            "net.sctp.sctp_mem"})
        EXPECT_TRUE(refusal(key).starts_with(std::string(key) + " is one value for the whole machine")) << key;
    EXPECT_NE(refusal("net.ipv4.neigh.default.gc_thresh3").find("net.ipv4.neigh.<interface>"), std::string::npos);
    EXPECT_NE(refusal("net.ipv4.route.gc_thresh").find("min_pmtu"), std::string::npos);
}

TEST(SysctlKey, RefusesSubsystemsNotKnownToBePerNamespace) {
    const std::string why = refusal("net.tipc.tipc_rmem");
    EXPECT_TRUE(why.starts_with("sysctl 'net.tipc.tipc_rmem' is not known to be per network namespace")) << why;
    EXPECT_NE(why.find("net.ipv4, net.ipv6, net.unix, net.netfilter"), std::string::npos) << why;
    EXPECT_NE(check_sysctl_key("net.llc.station.ack_timeout"), std::nullopt);
    EXPECT_NE(check_sysctl_key("net.x25.restart_request_timeout"), std::nullopt);
}

// A diagnostic is one line: a control character or an ANSI escape in a key is shown escaped.
TEST(SysctlKey, EscapesControlCharactersInItsMessages) {
    const std::string why = refusal("net.ipv4.x\x1b[31m\ny");
    EXPECT_EQ(why.find('\x1b'), std::string::npos) << why;
    EXPECT_EQ(why.find('\n'), std::string::npos) << why;
    EXPECT_NE(why.find("\\x1b[31m\\x0ay"), std::string::npos) << why;
    EXPECT_NE(why.find("contains '\\x1b'"), std::string::npos) << why;
    const std::string not_net = refusal("kernel.\x07");
    EXPECT_EQ(not_net.find('\x07'), std::string::npos) << not_net;
    const auto value = check_sysctl_value("net.\x1b", "");
    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(value->find('\x1b'), std::string::npos) << *value;
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
