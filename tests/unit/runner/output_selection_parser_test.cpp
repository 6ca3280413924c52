// The `output` selector as a scenario writes it: parsed into the record's selection, and every mistake
// refused at validation, at its file:line:column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scenario_parser.hpp"
#include "tests/unit/runner/scenario_parsing.hpp"

namespace {

using lab::runner::parse_scenario_text;
using lab::runner::ScenarioError;
using ::testing::HasSubstr;

std::string scenario_with(const std::string& selector_line) {
    return R"([scenario]
name = "printed"
summary = "a client that prints its own counters"

[hosts.server]
[hosts.client]

[[links]]
ends = ["server", "client"]

[[steps]]
at = "0s"
run = { name = "cli", host = "client", command = ["sh", "-c", "echo connect_ok=6 connect_err=14"], copies = 3 }

[[expect]]
id = "connects"
)" + selector_line + "\nequals = 18\n";
}

using lab::runner::test::errors_of;

TEST(OutputSelectionParser, ReadsEveryField) {
    const auto s = parse_scenario_text(
        scenario_with(R"(output = { process = "cli", stream = "stderr", pattern = 'connect_ok=(\d+)', matches = "last", per_instance = "min" })"),
        "t.toml");
    ASSERT_EQ(s.expectations.size(), 1u);
    const auto& e = s.expectations[0];
    EXPECT_EQ(e.kind, lab::record::ExpectKind::Output);
    EXPECT_EQ(e.process, "cli");
    EXPECT_EQ(e.output.stream, "stderr");
    EXPECT_EQ(e.output.pattern, R"(connect_ok=(\d+))");
    EXPECT_EQ(e.output.matches, "last");
    EXPECT_EQ(e.output.per_instance, "min");
    EXPECT_FALSE(e.output.instance);
    EXPECT_EQ(e.origin, "t.toml:15:1");
}

TEST(OutputSelectionParser, DefaultsToTheSumOfStdoutOverEveryCopy) {
    const auto s = parse_scenario_text(scenario_with(R"(output = { process = "cli", pattern = 'ok=(\d+)', instance = 2 })"), "t.toml");
    const auto& e = s.expectations.at(0);
    EXPECT_EQ(e.output.stream, "stdout");
    EXPECT_EQ(e.output.matches, "sum");
    EXPECT_EQ(e.output.per_instance, "");
    EXPECT_EQ(e.output.instance, 2);
}

TEST(OutputSelectionParser, ARegexThatDoesNotCompileIsRefusedWhereItIsWritten) {
    EXPECT_THAT(errors_of(scenario_with(R"(output = { process = "cli", pattern = 'connect_ok=(\d+' })")),
                HasSubstr(R"(t.toml:17:39: pattern 'connect_ok=(\d+' does not compile: )"));
}

TEST(OutputSelectionParser, APatternNeedsExactlyOneCaptureGroup) {
    EXPECT_THAT(errors_of(scenario_with(R"(output = { process = "cli", pattern = 'connect_ok=\d+' })")),
                HasSubstr(R"(t.toml:17:39: pattern 'connect_ok=\d+' needs exactly one capture group, (...), around the number; it has 0)"));
    EXPECT_THAT(errors_of(scenario_with(R"(output = { process = "cli", pattern = '(ok|err)=(\d+)' })")),
                HasSubstr("it has 2"));
}

TEST(OutputSelectionParser, AnUnknownProcessIsRefused) {
    EXPECT_THAT(errors_of(scenario_with(R"(output = { process = "clients", pattern = 'ok=(\d+)' })")),
                HasSubstr("t.toml:17:22: no process named 'clients' is started by any step"));
}

TEST(OutputSelectionParser, UnknownChoicesAndKeysAreRefused) {
    const std::string errors = errors_of(scenario_with(
        R"(output = { process = "cli", pattern = 'ok=(\d+)', stream = "stdin", matches = "avg", per_instance = "p50", regex = "x" })"));
    EXPECT_THAT(errors, HasSubstr("stream 'stdin' is unknown (stdout or stderr)"));
    EXPECT_THAT(errors, HasSubstr("matches 'avg' is unknown (sum, last or count)"));
    EXPECT_THAT(errors, HasSubstr("per_instance 'p50' is unknown (min or max)"));
    EXPECT_THAT(errors, HasSubstr("regex"));
    EXPECT_THAT(errors_of(scenario_with(R"(output = { process = "cli", pattern = 'ok=(\d+)', instance = 0, per_instance = "max" })")),
                HasSubstr("'instance' picks one copy, 'per_instance' folds all of them: give one"));
}

TEST(OutputSelectionParser, NeedsAPatternAndAProcessAndNoSnapshot) {
    EXPECT_THAT(errors_of(scenario_with(R"(output = { process = "cli" })")), HasSubstr("pattern"));
    EXPECT_THAT(errors_of(scenario_with("at = \"end\"\n" R"(output = { process = "cli", pattern = 'ok=(\d+)' })")),
                HasSubstr("'at' does not apply to output selections"));
}

TEST(OutputSelectionParser, IsAMetricToo) {
    std::string text = scenario_with(R"(output = { process = "cli", pattern = 'ok=(\d+)' })");
    text += "\n[[metric]]\nid = \"connected\"\noutput = { process = \"cli\", pattern = 'connect_ok=(\\d+)' }\n";
    const auto s = parse_scenario_text(text, "t.toml");
    ASSERT_EQ(s.metrics.size(), 1u);
    EXPECT_EQ(s.metrics[0].kind, lab::record::ExpectKind::Output);
    EXPECT_EQ(s.metrics[0].output.pattern, R"(connect_ok=(\d+))");
}

}  // namespace
