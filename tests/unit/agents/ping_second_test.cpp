#include "lab/agents/ping_second.hpp"

#include <cerrno>

#include <gtest/gtest.h>

namespace {

using lab::agent::PingSecond;

TEST(PingSecond, WritesCountsErrnoNamesAndLatencyInMicroseconds) {
    PingSecond s;
    s.connects_attempted = 10;
    s.connects_ok = 7;
    s.connects_failed = 3;
    s.connect_timeouts = 1;
    s.connect_errors = {{EADDRNOTAVAIL, 2}, {ETIMEDOUT, 1}};
    s.pings = 5;
    s.pongs = 4;
    s.ping_timeouts = 1;
    s.closed = 1;
    s.conn_errors = {{0, 1}};
    for (int i = 0; i < 99; ++i) s.rtt_ns.record(100'000);  // 100 µs
    s.rtt_ns.record(50'000'000);                              // 50 ms
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    s.write_to(out);
    EXPECT_EQ(out["connects_attempted"], 10);
    EXPECT_EQ(out["connects_ok"], 7);
    EXPECT_EQ(out["connects_failed"], 3);
    EXPECT_EQ(out["connect_timeouts"], 1);
    EXPECT_EQ(out["connect_errors"], (nlohmann::ordered_json{{"EADDRNOTAVAIL", 2}, {"ETIMEDOUT", 1}}));
    EXPECT_EQ(out["pings"], 5);
    EXPECT_EQ(out["pongs"], 4);
    EXPECT_EQ(out["ping_timeouts"], 1);
    EXPECT_EQ(out["conn_errors"], (nlohmann::ordered_json{{"EOF", 1}}));
    EXPECT_EQ(out["rtt_us"]["count"], 100);
    EXPECT_DOUBLE_EQ(out["rtt_us"]["p50"].get<double>(), 100.351);  // the top of 100 µs's bucket
    EXPECT_DOUBLE_EQ(out["rtt_us"]["p99"].get<double>(), 100.351);
    EXPECT_DOUBLE_EQ(out["rtt_us"]["max"].get<double>(), 50'000.0);
    EXPECT_EQ(out["connect_us"]["count"], 0);
}

TEST(PingSecond, MergeAddsEverything) {
    PingSecond a, b;
    a.pings = 3;
    a.connect_errors[ECONNREFUSED] = 1;
    a.connect_ns.record(1000);
    a.closed_by_command = 2;
    b.closed_by_command = 3;
    b.connects_cancelled = 6;
    b.pings = 4;
    b.connect_errors[ECONNREFUSED] = 2;
    b.connect_errors[EMFILE] = 5;
    b.connect_ns.record(3000);
    a.merge(b);
    EXPECT_EQ(a.pings, 7u);
    EXPECT_EQ(a.closed_by_command, 5u);
    EXPECT_EQ(a.connects_cancelled, 6u);
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    a.write_to(out);
    EXPECT_EQ(out["connects_cancelled"], 6) << "a cancelled connect is its own count, not a failed one";
    EXPECT_EQ(out["connects_failed"], 0);
    EXPECT_EQ(a.connect_errors.at(ECONNREFUSED), 3u);
    EXPECT_EQ(a.connect_errors.at(EMFILE), 5u);
    EXPECT_EQ(a.connect_ns.count(), 2u);
    EXPECT_EQ(a.connect_ns.max(), 3000u);
    a.reset();
    EXPECT_EQ(a.pings, 0u);
    EXPECT_TRUE(a.connect_errors.empty());
    EXPECT_EQ(a.connect_ns.count(), 0u);
}

}  // namespace
