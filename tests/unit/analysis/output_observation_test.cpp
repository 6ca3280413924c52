#include "analysis/output_observation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis/evaluate.hpp"

namespace lab::analysis {
namespace {

using ::testing::HasSubstr;

// A run of three copies of "cli" that printed their own counters, as an Erlang or shell client would.
record::RunRecord three_clients(const std::string& stream = "stdout") {
    record::RunRecord r;
    const char* printed[] = {"start\nconnect_ok=6 connect_err=14\nbytes=100\n",
                             "connect_ok=2 connect_err=0\r\nbytes=50\nbytes=25\n",
                             "connect_ok=10 connect_err=1\n"};
    for (int i = 0; i < 3; ++i) {
        record::ProcessResult p;
        p.name = "cli";
        p.instance = i;
        r.processes.push_back(p);
        r.outputs.push_back({"cli", i, stream, printed[i], std::string(printed[i]).size()});
    }
    return r;
}

record::Selection output(std::string pattern, std::string matches = "sum") {
    record::Selection s;
    s.kind = record::ExpectKind::Output;
    s.process = "cli";
    s.output.pattern = std::move(pattern);
    s.output.matches = std::move(matches);
    return s;
}

TEST(OutputObservation, SumsTheCapturedNumberOverEveryCopy) {
    const Observation o = observe_output(three_clients(), output(R"(connect_ok=(\d+))"));
    ASSERT_TRUE(o.value) << o.problem;
    EXPECT_EQ(*o.value, 18);
    EXPECT_EQ(observe_output(three_clients(), output(R"(connect_err=(\d+))")).value, 15.0);
}

TEST(OutputObservation, SumsEveryMatchingLineOfAnInstance) {
    record::Selection s = output(R"(^bytes=(\d+)$)");
    s.output.instance = 1;
    EXPECT_EQ(observe_output(three_clients(), s).value, 75.0) << "a CR before the newline is not part of the line";
    s.output.matches = "last";
    EXPECT_EQ(observe_output(three_clients(), s).value, 25.0);
    s.output.matches = "count";
    EXPECT_EQ(observe_output(three_clients(), s).value, 2.0);
}

TEST(OutputObservation, PerInstanceTakesTheSmallestOrLargest) {
    record::Selection s = output(R"(connect_ok=(\d+))");
    s.output.per_instance = "min";
    EXPECT_EQ(observe_output(three_clients(), s).value, 2.0);
    s.output.per_instance = "max";
    EXPECT_EQ(observe_output(three_clients(), s).value, 10.0);
}

TEST(OutputObservation, CountsMatchingLinesAndZeroIsACount) {
    EXPECT_EQ(observe_output(three_clients(), output(R"(^(bytes)=)", "count")).value, 3.0);
    EXPECT_EQ(observe_output(three_clients(), output(R"(^(panic))", "count")).value, 0.0);
}

TEST(OutputObservation, APatternThatNeverMatchesIsAProblemNotAZero) {
    const Observation o = observe_output(three_clients(), output(R"(conect_ok=(\d+))"));
    EXPECT_FALSE(o.value);
    EXPECT_EQ(o.problem, R"(no line of processes/cli.*.stdout matches 'conect_ok=(\d+)')");
    record::Selection s = output(R"(^bytes=(\d+))");
    s.output.per_instance = "max";
    EXPECT_EQ(observe_output(three_clients(), s).problem, R"(no line of processes/cli.2.stdout matches '^bytes=(\d+)')")
        << "per instance, each copy must give a number";
}

TEST(OutputObservation, AMatchThatIsNotANumberNamesTheLine) {
    const Observation o = observe_output(three_clients(), output(R"(^(start))"));
    EXPECT_FALSE(o.value);
    EXPECT_EQ(o.problem, "processes/cli.0.stdout:1: the pattern's group captured 'start', which is not a number");
}

TEST(OutputObservation, ReadsTheStreamItIsToldTo) {
    record::Selection s = output(R"(connect_ok=(\d+))");
    s.output.stream = "stderr";
    EXPECT_EQ(observe_output(three_clients("stderr"), s).value, 18.0);
    EXPECT_EQ(observe_output(three_clients("stdout"), s).problem, "the record keeps no stderr of 'cli' instance 0");
}

TEST(OutputObservation, AStreamCutAtTheRecordsLimitGivesNoNumber) {
    record::RunRecord r = three_clients();
    r.outputs[1].bytes = 5 << 20;
    const Observation o = observe_output(r, output(R"(connect_ok=(\d+))"));
    EXPECT_FALSE(o.value);
    EXPECT_THAT(o.problem, HasSubstr("processes/cli.1.stdout is 5242880 bytes, and the record keeps its first"));
}

TEST(OutputObservation, AnInstanceOrProcessThatDidNotRunIsNamed) {
    record::Selection s = output(R"(connect_ok=(\d+))");
    s.output.instance = 7;
    EXPECT_EQ(observe_output(three_clients(), s).problem, "process 'cli' has no instance 7 (it ran 3 of them)");
    s = output(R"(connect_ok=(\d+))");
    s.process = "srv";
    EXPECT_EQ(observe_output(three_clients(), s).problem, "process 'srv' was never started (run outcome: completed)");
}

TEST(OutputObservation, JudgesAnExpectationThroughEvaluate) {
    record::RunRecord r = three_clients();
    record::Expectation e;
    static_cast<record::Selection&>(e) = output(R"(connect_ok=(\d+))");
    e.id = "connects";
    e.equals = 18;
    r.expectations = {e};
    e.id = "no-errors";
    static_cast<record::Selection&>(e) = output(R"(connect_err=(\d+))");
    e.equals = 0;
    r.expectations.push_back(e);
    const auto v = evaluate(r);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].status, record::VerdictStatus::Pass);
    EXPECT_EQ(v[1].status, record::VerdictStatus::Fail);
    EXPECT_EQ(v[1].observed, "15");
}

TEST(OutputObservation, IsAMetricOfASweepToo) {
    record::RunRecord r = three_clients();
    record::Metric m;
    static_cast<record::Selection&>(m) = output(R"(connect_ok=(\d+))");
    m.id = "connected";
    r.metrics = {m};
    const auto values = measure(r);
    ASSERT_EQ(values.size(), 1u);
    EXPECT_EQ(values[0].value, 18.0);
}

TEST(OutputObservation, SurvivesTheRecordsJsonRoundTrip) {
    record::RunRecord r = three_clients();
    record::Expectation e;
    static_cast<record::Selection&>(e) = output(R"(connect_ok=(\d+))");
    e.output.per_instance = "max";
    e.output.stream = "stdout";
    r.expectations = {e};
    const record::RunRecord back = record::run_record_from_json(record::to_json(r));
    ASSERT_EQ(back.outputs.size(), 3u);
    EXPECT_EQ(back.outputs[1].text, r.outputs[1].text);
    ASSERT_EQ(back.expectations.size(), 1u);
    EXPECT_EQ(back.expectations[0].kind, record::ExpectKind::Output);
    EXPECT_EQ(back.expectations[0].output.pattern, R"(connect_ok=(\d+))");
    EXPECT_EQ(back.expectations[0].output.per_instance, "max");
    EXPECT_EQ(observe_output(back, back.expectations[0]).value, 10.0);
}

}  // namespace
}  // namespace lab::analysis
