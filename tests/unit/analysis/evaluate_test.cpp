#include "analysis/evaluate.hpp"

#include <algorithm>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sample_record.hpp"

namespace lab::analysis {
namespace {

using record::ExpectKind;
using record::Expectation;
using record::VerdictStatus;
using test::sample_record;
using test::sockets_expect;

// Judges a single expectation against the sample record.
record::Verdict judge(const Expectation& e, record::RunRecord r = sample_record()) {
    r.expectations = {e};
    auto v = evaluate(r);
    EXPECT_EQ(v.size(), 1u);
    return v.at(0);
}

Expectation counter_expect(std::string id, std::string at, std::string counter) {
    Expectation e;
    e.id = std::move(id);
    e.kind = ExpectKind::Counter;
    e.at = std::move(at);
    e.host = "server";
    e.counter = std::move(counter);
    return e;
}

Expectation events_expect(std::string process, std::string group, std::string op, std::string result,
                          std::string err) {
    Expectation e;
    e.id = "events";
    e.kind = ExpectKind::Events;
    e.process = std::move(process);
    e.group = std::move(group);
    e.op = std::move(op);
    e.result = std::move(result);
    e.errno_name = std::move(err);
    return e;
}

Expectation exit_expect(std::string process, std::optional<int> code) {
    Expectation e;
    e.id = "exit";
    e.kind = ExpectKind::Exit;
    e.process = std::move(process);
    e.exit_code = code;
    return e;
}

// --- observations, one selector at a time ------------------------------------------------------------

TEST(Evaluate, SocketsCountsEstablishedOnThePort) {
    auto e = sockets_expect("est", "steady", "server", {"established"});
    e.sockets.local_port = 7000;
    e.equals = 31;
    auto v = judge(e);
    EXPECT_EQ(v.status, VerdictStatus::Pass) << v.detail;
    EXPECT_EQ(v.observed, "31");
    EXPECT_EQ(v.expected, "= 31");
    EXPECT_EQ(v.detail, "");
}

TEST(Evaluate, SocketsStatesAreAnyOf) {
    auto e = sockets_expect("est-or-synrecv", "steady", "server", {"established", "syn-recv"});
    e.equals = 33;
    EXPECT_EQ(judge(e).observed, "33");
}

TEST(Evaluate, SocketsWithoutStatesSelectEveryTcpSocket) {
    auto e = sockets_expect("all-tcp", "steady", "server", {});
    e.equals = 34;  // listener + 31 established + 2 syn-recv; the udp socket is not tcp
    EXPECT_EQ(judge(e).observed, "34");
    e.sockets.protocol = "udp";
    e.equals = 1;
    EXPECT_EQ(judge(e).observed, "1");
}

TEST(Evaluate, SocketsSelectByRemotePort) {
    auto e = sockets_expect("one-peer", "steady", "server", {});
    e.sockets.remote_port = 41001;
    e.equals = 1;
    auto v = judge(e);
    EXPECT_EQ(v.observed, "1");
    EXPECT_EQ(v.status, VerdictStatus::Pass);
    e.sockets.local_port = 7001;  // both must hold
    EXPECT_EQ(judge(e).observed, "0");
}

TEST(Evaluate, SocketsMetricsSumQueues) {
    auto e = sockets_expect("accept-queue", "steady", "server", {"listen"});
    e.metric = "recv_q";
    e.equals = 31;
    EXPECT_EQ(judge(e).observed, "31");
    e.metric = "send_q";
    EXPECT_EQ(judge(e).observed, "30");
    auto unread = sockets_expect("unread", "steady", "server", {"established"});
    unread.metric = "recv_q";
    unread.equals = 200;
    EXPECT_EQ(judge(unread).observed, "200");
}

TEST(Evaluate, CounterIsTheDeltaFromStart) {
    auto e = counter_expect("overflows", "steady", "TcpExt.ListenOverflows");
    e.min = 1;
    auto v = judge(e);
    EXPECT_EQ(v.observed, "69");
    EXPECT_EQ(v.status, VerdictStatus::Pass);
    e.at = "end";
    EXPECT_EQ(judge(e).observed, "140");
    e.at = "start";
    EXPECT_EQ(judge(e).observed, "0");
}

TEST(Evaluate, EventsCountWhatMatchesEveryGivenField) {
    struct Case {
        Expectation e;
        const char* observed;
    } cases[] = {
        {events_expect("", "", "", "", ""), "16"},
        {events_expect("cli", "", "", "", ""), "15"},
        {events_expect("cli", "", "connect", "", ""), "10"},
        {events_expect("", "late", "", "", ""), "4"},
        {events_expect("cli", "", "", "error", "ECONNRESET"), "5"},
        {events_expect("", "", "", "timeout", "ETIMEDOUT"), "4"},
        {events_expect("cli", "early", "connect", "ok", ""), "7"},
        {events_expect("nobody", "", "", "", ""), "0"},
    };
    for (auto& c : cases) {
        c.e.min = 0;
        EXPECT_EQ(judge(c.e).observed, c.observed) << c.e.process << "/" << c.e.group << "/" << c.e.op;
    }
}

// Per-socket report events of a UDP server: conn is the socket, "datagrams" the interval's count.
record::RunRecord udp_record() {
    record::RunRecord r = sample_record();
    auto report = [](int instance, int conn, double datagrams, double drops) {
        record::Event ev;
        ev.process = "srv";
        ev.instance = instance;
        ev.conn = conn;
        ev.op = "udp_recv";
        ev.result = "ok";
        ev.bytes = static_cast<std::int64_t>(datagrams) * 100;
        ev.values = {{"datagrams", datagrams}, {"drops", drops}};
        return ev;
    };
    // Instance 0: sockets 0..2 over two intervals; instance 1: one socket, which got nothing.
    for (auto [conn, first, second] : {std::tuple{0, 10.0, 5.0}, std::tuple{1, 0.0, 0.0}, std::tuple{2, 40.0, 45.0}}) {
        r.events.push_back(report(0, conn, first, 1));
        r.events.push_back(report(0, conn, second, 2));
    }
    r.events.push_back(report(1, 0, 0, 0));
    return r;
}

TEST(Evaluate, EventsSumNamedFields) {
    auto e = events_expect("srv", "", "udp_recv", "", "");
    e.min = 0;
    e.sum = {"datagrams"};
    EXPECT_EQ(judge(e, udp_record()).observed, "100");
    e.sum = {"datagrams", "drops"};
    EXPECT_EQ(judge(e, udp_record()).observed, "109");
    e.sum = {"bytes"};
    EXPECT_EQ(judge(e, udp_record()).observed, "10000");
    e.process = "nobody";
    EXPECT_EQ(judge(e, udp_record()).observed, "0");  // nothing selected: the sum is 0
}

TEST(Evaluate, EventsSumOfAFieldNoEventHasIsMissing) {
    auto e = events_expect("cli", "", "", "", "");
    e.equals = 0;
    e.sum = {"datagrams"};
    auto v = judge(e, udp_record());
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_THAT(v.detail, ::testing::HasSubstr("none of the 15 selected events has the field datagrams"));
}

TEST(Evaluate, EventsPerConnectionTakeMinMaxOrNonzero) {
    auto e = events_expect("srv", "", "udp_recv", "", "");
    e.min = 0;
    e.sum = {"datagrams"};
    e.per_conn = "max";
    EXPECT_EQ(judge(e, udp_record()).observed, "85");
    e.per_conn = "min";
    EXPECT_EQ(judge(e, udp_record()).observed, "0");  // socket 1, and instance 1's socket 0
    e.per_conn = "nonzero";
    EXPECT_EQ(judge(e, udp_record()).observed, "2");
    e.sum.clear();  // without a sum each event counts 1: two reports per socket of instance 0
    e.per_conn = "max";
    EXPECT_EQ(judge(e, udp_record()).observed, "2");
    e.per_conn = "min";
    EXPECT_EQ(judge(e, udp_record()).observed, "1");
    e.process = "nobody";
    EXPECT_EQ(judge(e, udp_record()).status, VerdictStatus::Fail);  // no connection: no minimum
    e.per_conn = "nonzero";
    EXPECT_EQ(judge(e, udp_record()).observed, "0");
}

TEST(Evaluate, ExitCountsProcessesThatExitedByThemselves) {
    auto e = exit_expect("nc", 0);
    e.equals = 31;
    auto v = judge(e);
    EXPECT_EQ(v.observed, "31");
    EXPECT_EQ(v.status, VerdictStatus::Pass);
    EXPECT_EQ(judge(exit_expect("nc", 1)).observed, "60");
    EXPECT_EQ(judge(exit_expect("nc", std::nullopt)).observed, "91");  // the 9 the lab stopped do not count
    EXPECT_EQ(judge(exit_expect("srv", std::nullopt)).observed, "0");
}

// --- comparisons --------------------------------------------------------------------------------------

TEST(Evaluate, RangeRendersAndFailsWithOneLineDetail) {
    auto e = sockets_expect("est", "steady", "server", {"established"});
    e.min = 20;
    e.max = 40;
    auto v = judge(e);
    EXPECT_EQ(v.expected, "in [20, 40]");
    EXPECT_EQ(v.status, VerdictStatus::Pass);

    e.sockets.states = {"syn-recv"};
    v = judge(e);
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.observed, "2");
    EXPECT_EQ(v.detail, "observed 2, expected in [20, 40]");
}

TEST(Evaluate, MinAloneAndMaxAlone) {
    auto e = sockets_expect("est", "steady", "server", {"established"});
    e.min = 5;
    auto v = judge(e);
    EXPECT_EQ(v.expected, "≥ 5");
    EXPECT_EQ(v.status, VerdictStatus::Pass);
    e.min = 32;
    EXPECT_EQ(judge(e).status, VerdictStatus::Fail);
    e.min.reset();
    e.max = 3;
    v = judge(e);
    EXPECT_EQ(v.expected, "≤ 3");
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.detail, "observed 31, expected ≤ 3");
    e.max = 31;  // bounds are inclusive
    EXPECT_EQ(judge(e).status, VerdictStatus::Pass);
}

TEST(Evaluate, EveryGivenComparisonMustHold) {
    auto e = sockets_expect("est", "steady", "server", {"established"});
    e.equals = 31;
    e.max = 30;
    auto v = judge(e);
    EXPECT_EQ(v.expected, "= 31, ≤ 30");
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.detail, "observed 31, expected = 31, ≤ 30");
}

TEST(Evaluate, FractionalBoundsUsePercentG) {
    auto e = sockets_expect("est", "steady", "server", {"established"});
    e.min = 30.5;
    auto v = judge(e);
    EXPECT_EQ(v.expected, "≥ 30.5");
    EXPECT_EQ(v.observed, "31");
    EXPECT_EQ(v.status, VerdictStatus::Pass);
}

TEST(Evaluate, NoComparisonNeverPasses) {
    auto e = sockets_expect("est", "steady", "server", {"established"});
    auto v = judge(e);
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.detail, "no comparison given (equals, min, max or same_as)");
}

TEST(Evaluate, SameAsComparesWithAnotherObservation) {
    auto r = sample_record();
    auto queue = sockets_expect("accept-queue", "steady", "server", {"listen"});
    queue.metric = "recv_q";
    queue.equals = 31;
    auto est = sockets_expect("established", "steady", "server", {"established"});
    est.same_as = "accept-queue";  // refers forward and backward alike
    auto synrecv = sockets_expect("syn-recv", "steady", "server", {"syn-recv"});
    synrecv.same_as = "accept-queue";
    r.expectations = {est, queue, synrecv};
    auto v = evaluate(r);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].id, "established");
    EXPECT_EQ(v[0].expected, "= observed of 'accept-queue' (31)");
    EXPECT_EQ(v[0].status, VerdictStatus::Pass) << v[0].detail;
    EXPECT_EQ(v[1].status, VerdictStatus::Pass);
    EXPECT_EQ(v[2].status, VerdictStatus::Fail);
    EXPECT_EQ(v[2].detail, "observed 2, expected = observed of 'accept-queue' (31)");
}

TEST(Evaluate, SameAsAnUnknownIdFails) {
    auto e = sockets_expect("est", "steady", "server", {"established"});
    e.same_as = "nope";
    auto v = judge(e);
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.expected, "= observed of 'nope'");
    EXPECT_EQ(v.detail, "same_as 'nope' names no expectation");
}

TEST(Evaluate, SameAsCyclesFailWithoutHanging) {
    auto r = sample_record();
    auto a = sockets_expect("a", "steady", "server", {"established"});
    a.same_as = "b";
    auto b = sockets_expect("b", "steady", "server", {"established"});
    b.same_as = "a";
    auto self = sockets_expect("self", "steady", "server", {"established"});
    self.same_as = "self";
    auto into = sockets_expect("into", "steady", "server", {"established"});
    into.same_as = "a";  // not part of the cycle: a still has an observation to compare with
    r.expectations = {a, b, self, into};
    auto v = evaluate(r);
    ASSERT_EQ(v.size(), 4u);
    EXPECT_EQ(v[0].status, VerdictStatus::Fail);
    EXPECT_EQ(v[0].detail, "same_as 'b' leads back to 'a': a cycle");
    EXPECT_EQ(v[1].detail, "same_as 'a' leads back to 'b': a cycle");
    EXPECT_EQ(v[2].detail, "same_as 'self' leads back to 'self': a cycle");
    EXPECT_EQ(v[3].status, VerdictStatus::Pass) << v[3].detail;
}

// 50 000 expectations, each same_as the next: judging follows no chain, so this is one pass (following
// every chain from every link asked 1.25 billion same_as lookups and did not finish within the test's
// timeout). A long ring fails on every row, each row once.
TEST(Evaluate, LongSameAsChainsAndRingsAreJudgedInOnePass) {
    constexpr std::size_t n = 50'000;
    auto r = sample_record();
    for (std::size_t i = 0; i < n; ++i) {
        auto e = sockets_expect("e" + std::to_string(i), "steady", "server", {"established"});
        if (i + 1 < n) e.same_as = "e" + std::to_string(i + 1);
        else e.equals = 31;
        r.expectations.push_back(std::move(e));
    }
    auto v = evaluate(r);
    ASSERT_EQ(v.size(), n);
    EXPECT_EQ(v[0].expected, "= observed of 'e1' (31)");
    EXPECT_EQ(std::count_if(v.begin(), v.end(), [](const auto& x) { return x.status == VerdictStatus::Pass; }),
              static_cast<std::ptrdiff_t>(n));

    r.expectations.back().same_as = "e0";  // close the chain into one ring
    v = evaluate(r);
    ASSERT_EQ(v.size(), n);
    EXPECT_EQ(v[0].detail, "same_as 'e1' leads back to 'e0': a cycle");
    EXPECT_EQ(std::count_if(v.begin(), v.end(), [](const auto& x) { return x.status == VerdictStatus::Fail; }),
              static_cast<std::ptrdiff_t>(n));
}

TEST(Evaluate, SameAsAReferentWithoutObservationFails) {
    auto r = sample_record();
    auto gone = sockets_expect("gone", "never", "server", {});
    gone.equals = 1;
    auto e = sockets_expect("est", "steady", "server", {"established"});
    e.same_as = "gone";
    r.expectations = {gone, e};
    auto v = evaluate(r);
    EXPECT_EQ(v[1].status, VerdictStatus::Fail);
    EXPECT_EQ(v[1].detail,
              "'gone' has no observed value: snapshot 'never' was not taken (run outcome: completed)");
}

// --- what is missing from the record -----------------------------------------------------------------

TEST(Evaluate, MissingSnapshotNamesItAndTheOutcome) {
    auto r = sample_record();
    r.run.outcome = record::RunOutcome::TimeLimit;
    r.run.outcome_detail = "60s reached before step 4";
    auto e = sockets_expect("late", "late", "server", {"established"});
    e.equals = 31;
    auto v = judge(e, r);
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.observed, "");
    EXPECT_EQ(v.expected, "= 31");
    EXPECT_EQ(v.detail, "snapshot 'late' was not taken (run outcome: time-limit: 60s reached before step 4)");
}

TEST(Evaluate, MissingHostNamesTheHostsThere) {
    auto e = sockets_expect("est", "steady", "router", {"established"});
    e.equals = 31;
    auto v = judge(e);
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.detail, "host 'router' is not in snapshot 'steady' (hosts there: client, server)");
}

TEST(Evaluate, CounterTheKernelDoesNotReport) {
    auto e = counter_expect("reqq", "end", "TcpExt.TCPReqQFullDrop");
    e.equals = 0;
    auto v = judge(e);
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.detail, "counter TcpExt.TCPReqQFullDrop is not reported by this kernel");
}

TEST(Evaluate, CounterWithoutStartSnapshot) {
    auto r = sample_record();
    r.snapshots.erase(r.snapshots.begin());
    auto e = counter_expect("overflows", "end", "TcpExt.ListenOverflows");
    e.min = 1;
    auto v = judge(e, r);
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.detail, "snapshot 'start' was not taken (run outcome: completed)");
}

TEST(Evaluate, CounterFilesNotReadAtAll) {
    auto r = sample_record();
    r.snapshots[2].hosts["server"].counters.clear();
    auto e = counter_expect("overflows", "end", "TcpExt.ListenOverflows");
    e.min = 1;
    EXPECT_EQ(judge(e, r).detail, "no counters were read on host 'server' in snapshot 'end'");
}

// --- kernel conditions -------------------------------------------------------------------------------

TEST(Evaluate, KernelConditionOutsideSkips) {
    auto e = sockets_expect("est", "steady", "server", {"established"});
    e.equals = 99;  // would fail: a skip must not judge at all
    e.kernel = "<5.0";
    auto v = judge(e);
    EXPECT_EQ(v.status, VerdictStatus::Skip);
    EXPECT_EQ(v.detail, "kernel 6.18.44 not in <5.0");
    EXPECT_EQ(v.observed, "31");  // still shown: it is what this kernel does
    e.kernel = ">=3.10,<6.0";
    EXPECT_EQ(judge(e).detail, "kernel 6.18.44 not in >=3.10,<6.0");
}

TEST(Evaluate, KernelConditionInsideJudges) {
    auto e = sockets_expect("est", "steady", "server", {"established"});
    e.equals = 31;
    e.kernel = ">=4.4";
    EXPECT_EQ(judge(e).status, VerdictStatus::Pass);
    e.kernel = ">=6.18.44, <7";
    EXPECT_EQ(judge(e).status, VerdictStatus::Pass);
    e.equals = 30;
    EXPECT_EQ(judge(e).status, VerdictStatus::Fail);
}

TEST(Evaluate, MalformedKernelConditionFailsWithDetail) {
    auto e = sockets_expect("est", "steady", "server", {"established"});
    e.equals = 31;
    e.kernel = ">=4.x";
    auto v = judge(e);
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.detail, "kernel condition '>=4.x' is malformed: '>=4.x': unexpected '.x' after the version");
    e.kernel = "4.4";
    v = judge(e);
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.detail,
              "kernel condition '4.4' is malformed: '4.4' needs a comparison first (>=, >, <=, <, =, !=)");
}

TEST(Evaluate, UnknownRunningKernelFailsAConditionalExpectation) {
    auto r = sample_record();
    r.run.kernel = "";
    auto e = sockets_expect("est", "steady", "server", {"established"});
    e.equals = 31;
    e.kernel = ">=4.4";
    auto v = judge(e, r);
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.detail,
              "cannot apply kernel condition '>=4.4': kernel release '' does not start with a version number");
    e.kernel = "";  // without a condition the kernel does not matter
    EXPECT_EQ(judge(e, r).status, VerdictStatus::Pass);
}

// --- what the verdict carries ------------------------------------------------------------------------

TEST(Evaluate, VerdictCopiesIdentityAndKeepsOrder) {
    auto r = sample_record();
    auto a = sockets_expect("a", "steady", "server", {"established"});
    a.description = "ESTABLISHED on the server = backlog + 1";
    a.documented = "31 (netstat)";
    a.origin = "scenarios/x.toml:41:1";
    a.equals = 31;
    auto b = counter_expect("b", "end", "TcpExt.ListenDrops");
    b.min = 1;
    r.expectations = {a, b};
    auto v = evaluate(r);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].id, "a");
    EXPECT_EQ(v[0].description, "ESTABLISHED on the server = backlog + 1");
    EXPECT_EQ(v[0].documented, "31 (netstat)");
    EXPECT_EQ(v[0].origin, "scenarios/x.toml:41:1");
    EXPECT_EQ(v[1].id, "b");
    EXPECT_EQ(v[1].observed, "140");
    EXPECT_EQ(v[1].expected, "≥ 1");
}

TEST(Evaluate, EmptyRecordGivesNoVerdicts) { EXPECT_TRUE(evaluate(record::RunRecord{}).empty()); }

}  // namespace
}  // namespace lab::analysis

namespace lab::analysis {
namespace {

TEST(Evaluate, AnExpectationWhoseWhenDoesNotHoldInTheCellIsSkippedAndSaysWhy) {
    auto e = test::sockets_expect("queue", "steady", "server", {"listen"});
    e.equals = 999;  // would fail if judged
    e.when = "1 == 0";
    e.when_holds = false;
    record::RunRecord r = test::sample_record();
    r.expectations = {e};
    auto v = evaluate(r);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].status, record::VerdictStatus::Skip);
    EXPECT_EQ(v[0].detail, "not judged in this sweep cell: when 1 == 0");
}

}  // namespace
}  // namespace lab::analysis
