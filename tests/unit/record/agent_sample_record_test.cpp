// A process's per-second series survives record.json, and records written before it existed still read.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "record/run_record.hpp"

namespace lab::record {
namespace {

TEST(AgentSampleRecord, SeriesRoundTripsThroughJson) {
    RunRecord r;
    ProcessResult client;
    client.name = "client1";
    client.host = "c1";
    client.series = {{1.0, {{"established", 50'000}, {"connects_ok", 50'000}, {"rtt_us.p99", 412}}},
                     {2.0, {{"established", 100'000}, {"connect_errors.EADDRNOTAVAIL", 2}, {"ping_timeouts", 0}}}};
    r.processes = {client, ProcessResult{}};

    const RunRecord back = run_record_from_json(nlohmann::json::parse(to_json(r).dump()));
    ASSERT_EQ(back.processes.size(), 2u);
    const auto& series = back.processes[0].series;
    ASSERT_EQ(series.size(), 2u);
    EXPECT_DOUBLE_EQ(series[0].t, 1.0);
    EXPECT_EQ(series[0].values.at("established"), 50'000);
    EXPECT_EQ(series[0].values.at("rtt_us.p99"), 412);
    EXPECT_DOUBLE_EQ(series[1].t, 2.0);
    EXPECT_EQ(series[1].values.at("connect_errors.EADDRNOTAVAIL"), 2);
    EXPECT_EQ(series[1].values.size(), 3u);
    EXPECT_TRUE(back.processes[1].series.empty());
}

TEST(AgentSampleRecord, ARecordWithoutSeriesReadsAsEmpty) {
    RunRecord r;
    ProcessResult p;
    p.name = "srv";
    r.processes = {p};
    nlohmann::json j = to_json(r);
    j["processes"][0].erase("series");  // as written before the field existed
    const RunRecord back = run_record_from_json(j);
    ASSERT_EQ(back.processes.size(), 1u);
    EXPECT_EQ(back.processes[0].name, "srv");
    EXPECT_TRUE(back.processes[0].series.empty());
}

}  // namespace
}  // namespace lab::record
