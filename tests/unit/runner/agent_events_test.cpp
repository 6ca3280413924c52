#include "runner/agent_events.hpp"

#include <gtest/gtest.h>

namespace {

using lab::runner::event_from_json_line;

TEST(AgentEvents, KeepsTheLinesOtherNumbersForSums) {
    auto ev = event_from_json_line(
        R"({"agent":"server","group":"g","conn":2,"op":"udp_recv","arg":"","result":"ok","errno":null,)"
        R"("bytes":1400,"start_ns":2000000000,"end_ns":3000000000,"local":"198.18.0.1:7001",)"
        R"("datagrams":14,"total":30,"drops":1.5,"reuseport":true,"counts":{"udp_recv":{"ok":3}}})",
        "srv", 1, 1'000'000'000);
    EXPECT_EQ(ev.process, "srv");
    EXPECT_EQ(ev.instance, 1);
    EXPECT_EQ(ev.conn, 2);
    EXPECT_EQ(ev.bytes, 1400);
    EXPECT_DOUBLE_EQ(ev.start_t, 1.0);
    EXPECT_DOUBLE_EQ(ev.end_t, 2.0);
    // Strings, booleans, objects and the fields that have their own place are left out.
    EXPECT_EQ(ev.values, (std::map<std::string, double>{{"datagrams", 14}, {"drops", 1.5}, {"total", 30}}));
}

TEST(AgentEvents, NumbersOneObjectDownAreNamedWithADot) {
    auto ev = event_from_json_line(
        R"({"agent":"client","conn":0,"op":"outq","result":"ok","start_ns":0,"end_ns":0,"outq":100,)"
        R"("tcp_info":{"state":"established","retransmits":2,"unacked":1,"rtt_us":101250,"deeper":{"x":1}}})",
        "cli", 0, 0);
    EXPECT_EQ(ev.values, (std::map<std::string, double>{{"outq", 100},
                                                         {"tcp_info.retransmits", 2},
                                                         {"tcp_info.rtt_us", 101250},
                                                         {"tcp_info.unacked", 1}}));
}

TEST(AgentEvents, NotJsonOrNoOpIsAnError) {
    EXPECT_THROW(event_from_json_line("{", "p", 0, 0), std::runtime_error);
    EXPECT_THROW(event_from_json_line(R"({"conn":1})", "p", 0, 0), std::runtime_error);
}

}  // namespace
