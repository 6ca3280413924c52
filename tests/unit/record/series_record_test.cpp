// The record's new parts survive JSON: counts-level and none-level snapshots, the sampled series, and
// series selections.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "record/run_record.hpp"

namespace lab::record {
namespace {

RunRecord record_with_series() {
    RunRecord r;
    r.scenario.name = "sampled";
    r.run.id = "ab12";
    HostView counts;
    counts.detail = kDetailCounts;
    counts.sockets = {{"tcp", "listen", "198.18.0.1", 7000, "0.0.0.0", 0, 3, 128, 99}};
    counts.socket_counts = {{"tcp", "established", 7000, std::nullopt, 1000000},
                            {"tcp", "time-wait", std::nullopt, 9000, 17}};
    counts.counters = {{"TcpExt.ListenOverflows", 4}};
    HostView none;
    none.detail = kDetailNone;
    none.counters = {{"Tcp.ActiveOpens", 12}};
    r.snapshots = {{"big", 2.5, {{"server", counts}, {"client", none}}}};

    HostSeries s;
    s.host = "server";
    s.every_s = 0.25;
    s.detail = "counts";
    s.skipped = 2;
    s.points = {{0.001, 0.002, {{"sockets.established", 0}, {"rss.srv.0", 4096}}},
                {0.251, 0.004, {{"sockets.established", 250}, {"rate.Tcp.PassiveOpens", 999.5}}}};
    r.series = {s};

    Expectation e;
    e.id = "peak";
    e.kind = ExpectKind::Series;
    e.series = {"server", "sockets.established", "", 2.0, 0.5, 3.0};
    e.equals = 250;
    r.expectations = {e};
    return r;
}

TEST(SeriesRecord, RoundTripsThroughJson) {
    const RunRecord r = record_with_series();
    const nlohmann::json j = to_json(r);
    const RunRecord back = run_record_from_json(j);
    EXPECT_EQ(to_json(back).dump(), j.dump());

    const HostView& counts = back.snapshots.at(0).hosts.at("server");
    EXPECT_EQ(counts.detail, "counts");
    ASSERT_EQ(counts.socket_counts.size(), 2u);
    EXPECT_EQ(counts.socket_counts[0].count, 1000000u);
    EXPECT_EQ(counts.socket_counts[0].local_port, 7000);
    EXPECT_FALSE(counts.socket_counts[0].remote_port);
    EXPECT_EQ(counts.socket_counts[1].remote_port, 9000);
    EXPECT_EQ(back.snapshots.at(0).hosts.at("client").detail, "none");

    ASSERT_EQ(back.series.size(), 1u);
    EXPECT_EQ(back.series[0].every_s, 0.25);
    EXPECT_EQ(back.series[0].skipped, 2u);
    ASSERT_EQ(back.series[0].points.size(), 2u);
    EXPECT_EQ(back.series[0].points[1].values.at("rate.Tcp.PassiveOpens"), 999.5);
    EXPECT_EQ(back.series[0].points[0].values.at("rss.srv.0"), 4096);

    ASSERT_EQ(back.expectations.size(), 1u);
    EXPECT_EQ(back.expectations[0].kind, ExpectKind::Series);
    EXPECT_EQ(back.expectations[0].series.metric, "sockets.established");
    EXPECT_EQ(back.expectations[0].series.at_s, 2.0);
    EXPECT_EQ(back.expectations[0].series.from_s, 0.5);
    EXPECT_EQ(back.expectations[0].series.to_s, 3.0);
}

TEST(SeriesRecord, ARecordWithoutTheNewFieldsReadsAsFullSnapshotsAndNoSeries) {
    nlohmann::json j = to_json(record_with_series());
    j.erase("series");
    j["snapshots"][0]["hosts"]["server"].erase("detail");
    j["snapshots"][0]["hosts"]["server"].erase("socket_counts");
    const RunRecord back = run_record_from_json(j);
    EXPECT_TRUE(back.series.empty());
    EXPECT_EQ(back.snapshots.at(0).hosts.at("server").detail, "full");
    EXPECT_TRUE(back.snapshots.at(0).hosts.at("server").socket_counts.empty());
}

}  // namespace
}  // namespace lab::record
