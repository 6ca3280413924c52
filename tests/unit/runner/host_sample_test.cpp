// The files a sample reads besides sock_diag: /proc/net/sockstat and /proc/PID/status.
#include "runner/host_sample.hpp"

#include <gtest/gtest.h>

namespace lab::runner {
namespace {

TEST(HostSample, SockstatLinesBecomeNamedNumbers) {
    const auto v = parse_sockstat(
        "sockets: used 11\nTCP: inuse 5 orphan 1 tw 2 alloc 7 mem 131\nUDP: inuse 3 mem 4\nFRAG: inuse 0 memory 0\n");
    EXPECT_EQ(v.at("sockstat.sockets.used"), 11);
    EXPECT_EQ(v.at("sockstat.tcp.inuse"), 5);
    EXPECT_EQ(v.at("sockstat.tcp.orphan"), 1);
    EXPECT_EQ(v.at("sockstat.tcp.tw"), 2);
    EXPECT_EQ(v.at("sockstat.tcp.alloc"), 7);
    EXPECT_EQ(v.at("sockstat.tcp.mem"), 131);
    EXPECT_EQ(v.at("sockstat.udp.inuse"), 3);
    EXPECT_EQ(v.at("sockstat.frag.memory"), 0);
    EXPECT_EQ(v.size(), 10u);
}

TEST(HostSample, VmRssIsReadInBytes) {
    EXPECT_EQ(parse_vm_rss("Name:\tlab-server\nVmPeak:\t 9999 kB\nVmRSS:\t    1928 kB\nRssAnon:\t 100 kB\n"),
              1928.0 * 1024);
}

TEST(HostSample, AZombieHasNoVmRss) {
    EXPECT_FALSE(parse_vm_rss("Name:\tlab-server\nState:\tZ (zombie)\nThreads:\t1\n"));
    EXPECT_FALSE(parse_vm_rss("VmRSS:\t garbage\n"));
}

}  // namespace
}  // namespace lab::runner
