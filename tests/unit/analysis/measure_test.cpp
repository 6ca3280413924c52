#include <gtest/gtest.h>

#include "analysis/observe.hpp"
#include "sample_record.hpp"

namespace lab::analysis {
namespace {

// Ten recv() ops that ended in ECONNRESET after 100, 200, ... 1000 ms, and one that timed out.
record::RunRecord timed_record() {
    record::RunRecord r = test::sample_record();
    r.events.clear();
    for (int i = 1; i <= 10; ++i) {
        record::Event ev;
        ev.process = "cli";
        ev.conn = i;
        ev.op = "recv";
        ev.result = "error";
        ev.errno_name = "ECONNRESET";
        ev.start_t = 1.0;
        ev.end_t = 1.0 + 0.1 * i;
        r.events.push_back(ev);
    }
    record::Event slow;
    slow.process = "cli";
    slow.op = "recv";
    slow.result = "timeout";
    slow.start_t = 1.0;
    slow.end_t = 3.0;
    r.events.push_back(slow);
    return r;
}

record::Metric reset_timing(std::string stat) {
    record::Metric m;
    m.id = "reset-" + stat;
    m.kind = record::ExpectKind::Events;
    m.process = "cli";
    m.op = "recv";
    m.errno_name = "ECONNRESET";
    m.timing = std::move(stat);
    m.unit = "ms";
    return m;
}

TEST(Measure, TimingIsAStatisticOfTheSelectedOpsDurationsInMilliseconds) {
    record::RunRecord r = timed_record();
    for (const char* stat : {"min", "p50", "p90", "p99", "max", "mean"}) r.metrics.push_back(reset_timing(stat));
    auto values = measure(r);
    ASSERT_EQ(values.size(), 6u);
    EXPECT_NEAR(*values[0].value, 100, 1e-6);
    EXPECT_NEAR(*values[1].value, 500, 1e-6);   // nearest rank: the 5th of 10, an observed duration
    EXPECT_NEAR(*values[2].value, 900, 1e-6);
    EXPECT_NEAR(*values[3].value, 1000, 1e-6);
    EXPECT_NEAR(*values[4].value, 1000, 1e-6);  // the timed-out op is not selected
    EXPECT_NEAR(*values[5].value, 550, 1e-6);
    EXPECT_EQ(values[0].id, "reset-min");
}

TEST(Measure, StartSpreadIsHowLongTheSelectedWaveTookToLeave) {
    record::RunRecord r = test::sample_record();
    r.events.clear();
    // Wave 0 starts its 3 connects within 2 ms; wave 1 within 91 ms (a stalled machine).
    const double starts[2][3] = {{0.300, 0.301, 0.302}, {0.450, 0.500, 0.541}};
    for (int wave = 0; wave < 2; ++wave)
        for (double start : starts[wave]) {
            record::Event ev;
            ev.process = "cli";
            ev.op = "connect";
            ev.result = "ok";
            ev.start_t = start;
            ev.end_t = start + 0.05;
            ev.values["wave"] = wave;
            r.events.push_back(ev);
        }
    record::Metric m;
    m.id = "wave-spread";
    m.kind = record::ExpectKind::Events;
    m.process = "cli";
    m.op = "connect";
    m.timing = "start_spread";
    r.metrics = {m, m, m};
    r.metrics[0].wave = 0;
    r.metrics[1].wave = 1;
    r.metrics[2].wave = 2;  // no such wave
    auto values = measure(r);
    ASSERT_EQ(values.size(), 3u);
    EXPECT_NEAR(*values[0].value, 2, 1e-6);
    EXPECT_NEAR(*values[1].value, 91, 1e-6);
    EXPECT_FALSE(values[2].value.has_value());
    r.metrics = {m};  // every wave: first start to last
    EXPECT_NEAR(*measure(r)[0].value, 241, 1e-6);
}

TEST(Measure, AMetricWithNothingToMeasureSaysWhy) {
    record::RunRecord r = timed_record();
    record::Metric none = reset_timing("p99");
    none.errno_name = "EPIPE";
    record::Metric odd = reset_timing("p42");
    r.metrics = {none, odd};
    auto values = measure(r);
    ASSERT_EQ(values.size(), 2u);
    EXPECT_FALSE(values[0].value.has_value());
    EXPECT_NE(values[0].problem.find("no events matched"), std::string::npos);
    EXPECT_FALSE(values[1].value.has_value());
    EXPECT_NE(values[1].problem.find("p42"), std::string::npos);
}

TEST(Measure, CountsAndSocketMetricsUseTheExpectationSelectors) {
    record::RunRecord r = test::sample_record();
    record::Metric queued;
    queued.id = "accept-queue";
    queued.kind = record::ExpectKind::Sockets;
    queued.at = "steady";
    queued.host = "server";
    queued.sockets.states = {"listen"};
    queued.metric = "recv_q";
    r.metrics = {queued};
    auto values = measure(r);
    ASSERT_EQ(values.size(), 1u);
    EXPECT_EQ(values[0].value, 31);
}

}  // namespace
}  // namespace lab::analysis
