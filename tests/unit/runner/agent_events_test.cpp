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

TEST(AgentEvents, NotJsonOrNoOpIsAnError) {
    EXPECT_THROW(event_from_json_line("{", "p", 0, 0), std::runtime_error);
    EXPECT_THROW(event_from_json_line(R"({"conn":1})", "p", 0, 0), std::runtime_error);
}

}  // namespace
