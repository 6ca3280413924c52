// A scenario with a [sweep] table parsed for one of its cells: every place a ${sweep.NAME} may stand gets
// the cell's value, numbers are worked out, `when` decides whether an expectation applies, and every
// mistake is a "file:line:column: " diagnostic.
#include <chrono>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scenario_parser.hpp"
#include "tests/unit/runner/scenario_parsing.hpp"

namespace lab::runner {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

using test::kRoomy;

// Every place a sweep value may stand, in one file. Default cell: backlog=30 retries=0 delay=25ms
// gap_ms=100 cookies=0.
constexpr const char* kCellScenario = R"([scenario]
name = "cell"
summary = "every place a sweep value may stand"
time_limit = "20s"

[sweep]
rows = "backlog"
columns = "retries"
[sweep.vars]
backlog = [1, 30]
retries = [0, 2]
delay = ["0ms", "25ms"]
gap_ms = [100, 400]
cookies = [0, 1]
[sweep.defaults]
backlog = 30
delay = "25ms"

[hosts.server]
sysctl = { "net.ipv4.tcp_synack_retries" = "${sweep.retries}", "net.ipv4.tcp_syncookies" = "${sweep.cookies}" }
[hosts.client]

[[links]]
name = "lan"
ends = ["server", "client"]
impair = { delay = "${sweep.delay}", "client>server" = { loss = "${sweep.retries}%" } }

[[steps]]
at = "0s"
run = { name = "srv", host = "server", agent = "server", args = ["--backlog", "${sweep.backlog}", "--note", "$${sweep.backlog}"] }
[[steps]]
at = "${sweep.gap_ms}ms"
run = { name = "cli", host = "client", agent = "client", args = ["--target", "${hosts.server.addr}:9999", "--connections", "${sweep.backlog + 10}"], copies = "${sweep.backlog} * 2 + 1" }
[[steps]]
at = "1s"
run = { name = "nc", host = "client", command = ["nc", "-w", "${sweep.retries}", "${hosts.server.addr}", "9999"] }
[[steps]]
at = "2s"
impair = { link = "lan", delay = "${sweep.gap_ms}ms" }
[[steps]]
at = "3s"
wait = { process = "cli", timeout = "${sweep.delay}" }
[[steps]]
at = "${sweep.gap_ms * 40}ms"
snapshot = "full"

[[expect]]
id = "queue"
at = "full"
host = "server"
sockets = { state = "listen", local_port = 9999, metric = "recv_q" }
equals = "${sweep.backlog} + 1"

[[expect]]
id = "half-open"
host = "server"
sockets = { state = "syn-recv" }
min = "${sweep.backlog} - 1"
max = "(${sweep.backlog} + 1) * 2"
when = "${sweep.cookies} == 0 && ${sweep.retries} > 0"

[[expect]]
id = "resets"
events = { process = "cli", op = "recv", errno = "ECONNRESET" }
in = ["${sweep.backlog} / 2", "${sweep.backlog}"]
when = "${sweep.cookies} == 1"

[[metric]]
id = "queued"
description = "accept queue"
at = "full"
host = "server"
sockets = { state = "listen", local_port = 9999, metric = "recv_q" }
documented = 31

[[metric]]
id = "time-to-reset"
description = "until recv() reports ECONNRESET"
events = { process = "cli", op = "recv", errno = "ECONNRESET", timing = "p99" }

[[metric]]
id = "received"
unit = "B"
events = { process = "cli", op = "recv", sum = "bytes" }

[[metric]]
id = "connect_max"
unit = "ms"
events = { process = "cli", op = "connect", timing = "max" }
)";

Scenario cell(const std::map<std::string, std::string>& set = {}) {
    return parse_scenario_text(kCellScenario, "t.toml", kRoomy, set);
}

// Every diagnostic of a text that must not parse (for the cell `set` chooses).
std::vector<std::string> diagnostics_of(const std::string& text, const std::map<std::string, std::string>& set = {}) {
    try {
        parse_scenario_text(text, "t.toml", kRoomy, set);
    } catch (const ScenarioError& e) {
        return e.diagnostics();
    }
    ADD_FAILURE() << "expected a ScenarioError";
    return {};
}

// `text` with `from` (which must occur exactly once) replaced by `to`.
std::string replaced_once(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    EXPECT_EQ(text.find(from, at + 1), std::string::npos) << from << " occurs twice";
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

std::string with(const std::string& from, const std::string& to) { return replaced_once(kCellScenario, from, to); }

const Step& step_at(const Scenario& s, Duration at) {
    for (const auto& step : s.steps)
        if (step.at == at) return step;
    throw std::runtime_error("no step at that time");
}

const record::Expectation& expectation(const Scenario& s, const std::string& id) {
    for (const auto& e : s.expectations)
        if (e.id == id) return e;
    throw std::runtime_error("no expectation " + id);
}

std::string sysctl(const Scenario& s, const std::string& host, const std::string& key) {
    for (const auto& v : s.find_host(host)->sysctls)
        if (v.key == key) return v.value;
    return "(unset)";
}

TEST(SweepScenario, TheDefaultCellFillsSysctlsArgumentsCopiesImpairmentsAndStepTimes) {
    const Scenario s = cell();
    EXPECT_EQ(sysctl(s, "server", "net.ipv4.tcp_synack_retries"), "0");
    EXPECT_EQ(sysctl(s, "server", "net.ipv4.tcp_syncookies"), "0");

    ASSERT_EQ(s.links.size(), 1u);
    ASSERT_EQ(s.links[0].impairments.size(), 2u);
    for (const auto& d : s.links[0].impairments) {
        EXPECT_EQ(d.impairment.delay, 25ms) << d.from << ">" << d.to;
        EXPECT_EQ(d.impairment.loss, 0.0) << d.from << ">" << d.to;
    }

    const Step& srv = step_at(s, 0ms);
    EXPECT_THAT(srv.run.command, ElementsAre("--backlog", "30", "--note", "$${sweep.backlog}"))
        << "$${ stays as written: the run plan turns it into a literal ${";
    const Step& cli = step_at(s, 100ms);  // at = "${sweep.gap_ms}ms"
    EXPECT_EQ(cli.run.name, "cli");
    EXPECT_THAT(cli.run.command, ElementsAre("--target", "${hosts.server.addr}:9999", "--connections", "40"))
        << "${sweep.backlog + 10} is worked out; other references are left for the run plan";
    EXPECT_EQ(cli.run.copies, 61);  // "${sweep.backlog} * 2 + 1"
    EXPECT_THAT(step_at(s, 1s).run.command, ElementsAre("nc", "-w", "0", "${hosts.server.addr}", "9999"));

    const Step& impair = step_at(s, 2s);
    ASSERT_EQ(impair.kind, StepKind::Impair);
    ASSERT_EQ(impair.impairments.size(), 2u);
    for (const auto& d : impair.impairments) EXPECT_EQ(d.impairment.delay, 100ms) << d.from << ">" << d.to;

    const Step& wait = step_at(s, 3s);
    ASSERT_EQ(wait.kind, StepKind::Wait);
    EXPECT_EQ(wait.timeout, 25ms);  // timeout = "${sweep.delay}"
    EXPECT_EQ(step_at(s, 4s).snapshot, "full");  // at = "${sweep.gap_ms * 40}ms"
}

TEST(SweepScenario, ExpectationsWorkOutTheirNumbersAndConditionsForTheCell) {
    const Scenario s = cell();
    const auto& queue = expectation(s, "queue");
    EXPECT_EQ(queue.equals, 31);
    EXPECT_TRUE(queue.when.empty());
    EXPECT_TRUE(queue.when_holds) << "an expectation without `when` applies in every cell";

    const auto& half_open = expectation(s, "half-open");
    EXPECT_EQ(half_open.min, 29);
    EXPECT_EQ(half_open.max, 62);
    EXPECT_EQ(half_open.when, "0 == 0 && 0 > 0") << "the condition as the cell made it, for the verdict's reason";
    EXPECT_FALSE(half_open.when_holds);

    const auto& resets = expectation(s, "resets");
    EXPECT_EQ(resets.min, 15);  // in = ["${sweep.backlog} / 2", "${sweep.backlog}"]
    EXPECT_EQ(resets.max, 30);
    EXPECT_FALSE(resets.when_holds);
}

TEST(SweepScenario, SetChoosesAnotherCellAndEverythingFollowsIt) {
    const Scenario s = cell({{"backlog", "1"}, {"retries", "2"}, {"cookies", "1"}, {"delay", "0ms"}});
    EXPECT_EQ(sysctl(s, "server", "net.ipv4.tcp_synack_retries"), "2");
    EXPECT_EQ(sysctl(s, "server", "net.ipv4.tcp_syncookies"), "1");
    for (const auto& d : s.links[0].impairments) {
        EXPECT_EQ(d.impairment.delay, 0ms);
        EXPECT_DOUBLE_EQ(d.impairment.loss, d.from == "client" ? 0.02 : 0.0) << d.from << ">" << d.to;
    }
    EXPECT_EQ(step_at(s, 100ms).run.copies, 3);
    EXPECT_EQ(step_at(s, 3s).timeout, 0ms);

    EXPECT_EQ(expectation(s, "queue").equals, 2);
    EXPECT_EQ(expectation(s, "half-open").when, "1 == 0 && 2 > 0");
    EXPECT_FALSE(expectation(s, "half-open").when_holds);
    const auto& resets = expectation(s, "resets");
    EXPECT_TRUE(resets.when_holds);
    EXPECT_EQ(resets.min, 0.5);
    EXPECT_EQ(resets.max, 1);

    const Scenario other = cell({{"retries", "2"}});
    EXPECT_TRUE(expectation(other, "half-open").when_holds) << "cookies=0 and retries=2";
    EXPECT_EQ(step_at(cell({{"gap_ms", "400"}}), 400ms).run.name, "cli");
    EXPECT_EQ(step_at(cell({{"gap_ms", "400"}}), 16s).snapshot, "full");
}

TEST(SweepScenario, TheParsedScenarioCarriesItsCell) {
    const Scenario s = cell({{"backlog", "1"}});
    ASSERT_TRUE(s.sweep.has_value());
    EXPECT_EQ(s.sweep->sweep, "cell");
    EXPECT_EQ(s.sweep->rows, "backlog");
    EXPECT_EQ(s.sweep->columns, "retries");
    ASSERT_EQ(s.sweep->values.size(), 5u);
    EXPECT_EQ(describe_cell(s.sweep->values), "backlog=1 retries=0 delay=25ms gap_ms=100 cookies=0");
    EXPECT_EQ(s.sweep->values[0].number, 1);
    EXPECT_FALSE(s.sweep->values[2].number.has_value()) << "a string value has no number";
    ASSERT_EQ(s.sweep->variables.size(), 5u);
    EXPECT_EQ(s.sweep->variables[2].values, (std::vector<std::string>{"0ms", "25ms"}));
    EXPECT_EQ(s.sweep->cell_id, sweep_cell_id(kCellScenario, s.sweep->values));
    EXPECT_NE(s.sweep->cell_id, cell().sweep->cell_id);
    EXPECT_EQ(cell({{"backlog", "30"}}).sweep->cell_id, cell().sweep->cell_id) << "--set of the default is the default cell";
    EXPECT_EQ(cell({{"backlog", "01"}}).sweep->cell_id, s.sweep->cell_id)
        << "an integer is the same value however it is written on the command line";
}

TEST(SweepScenario, MetricsKeepTheirIdsUnitsAndTimings) {
    const Scenario s = cell();
    ASSERT_EQ(s.metrics.size(), 4u);
    EXPECT_EQ(s.metrics[0].id, "queued");
    EXPECT_EQ(s.metrics[0].description, "accept queue");
    EXPECT_EQ(s.metrics[0].kind, record::ExpectKind::Sockets);
    EXPECT_EQ(s.metrics[0].metric, "recv_q");
    EXPECT_EQ(s.metrics[0].at, "full");
    EXPECT_EQ(s.metrics[0].documented, "31");
    EXPECT_EQ(s.metrics[0].unit, "");
    EXPECT_THAT(s.metrics[0].origin, HasSubstr("t.toml:"));

    EXPECT_EQ(s.metrics[1].id, "time-to-reset");
    EXPECT_EQ(s.metrics[1].timing, "p99");
    EXPECT_EQ(s.metrics[1].errno_name, "ECONNRESET");
    EXPECT_EQ(s.metrics[1].unit, "ms") << "a timing is in milliseconds unless the metric says otherwise";

    EXPECT_EQ(s.metrics[2].unit, "B");
    EXPECT_THAT(s.metrics[2].sum, ElementsAre("bytes"));
    EXPECT_EQ(s.metrics[3].id, "connect_max");
    EXPECT_EQ(s.metrics[3].unit, "ms");
    EXPECT_EQ(s.metrics[3].timing, "max");
    EXPECT_EQ(s.metrics[3].description, "connect_max") << "the description defaults to the id";
}

TEST(SweepScenario, MetricMistakesAreFoundWhereTheyAreWritten) {
    EXPECT_THAT(diagnostics_of(with("timing = \"p99\"", "timing = \"p95\"")),
                ElementsAre(MatchesRegex("t\\.toml:[0-9]+:[0-9]+: timing 'p95' is unknown \\(known: min, p50, p90, p99, max, mean, start_spread\\)")));
    for (const char* other : {"sum = \"bytes\"", "per_conn = \"max\""})
        EXPECT_THAT(diagnostics_of(with("timing = \"max\"", std::string("timing = \"max\", ") + other)),
                    ElementsAre(MatchesRegex("t\\.toml:89:[0-9]+: timing takes the selected ops' durations: it does not "
                                             "combine with sum or per_conn")))
            << other;
    EXPECT_THAT(diagnostics_of(with("unit = \"ms\"", "unit = \"s\"")),
                ElementsAre("t.toml:88:8: a timing is in milliseconds: its unit is \"ms\" (or left out), not \"s\""));
    EXPECT_THAT(diagnostics_of(with("id = \"received\"", "id = \"queued\"")),
                ElementsAre(MatchesRegex("t\\.toml:[0-9]+:[0-9]+: metric id 'queued' is already used at t\\.toml:[0-9]+:[0-9]+")));
    EXPECT_THAT(diagnostics_of(with("id = \"received\"", "id = \"Received\"")),
                ElementsAre(HasSubstr("metric id 'Received' is not valid")));
    EXPECT_THAT(diagnostics_of(with("id = \"received\"\n", "")), ElementsAre(HasSubstr("missing required key 'id'")));
    EXPECT_THAT(diagnostics_of(with("unit = \"B\"", "unit = \"B\"\nequals = 3")),
                ElementsAre(HasSubstr("unknown key 'equals' in [[metric]]")))
        << "a metric is reported, not judged";
}

TEST(SweepScenario, ArithmeticThatDoesNotWorkOutIsAnErrorAtItsValue) {
    // Line 52 holds `equals`, line 33 the second run step, line 32 its `at`.
    EXPECT_THAT(diagnostics_of(with("equals = \"${sweep.backlog} + 1\"", "equals = \"${sweep.backlog} +\"")),
                ElementsAre("t.toml:52:10: 'equals' must be a number: '30 +': expected a number at character 5"));
    EXPECT_THAT(diagnostics_of(with("\"${sweep.backlog} * 2 + 1\"", "\"${sweep.backlog} / 4\"")),
                ElementsAre(MatchesRegex("t\\.toml:33:[0-9]+: 'copies' works out to 7\\.5 in this cell, not an integer")));
    EXPECT_THAT(diagnostics_of(with("\"${sweep.backlog} * 2 + 1\"", "\"${sweep.backlog} - 30\"")),
                ElementsAre(MatchesRegex("t\\.toml:33:[0-9]+: 'copies' = 0 is out of range \\[1, 10000\\]")));
    EXPECT_THAT(diagnostics_of(with("at = \"${sweep.gap_ms}ms\"", "at = \"${sweep.gap_ms}\"")),
                ElementsAre(MatchesRegex("t\\.toml:32:6: 'at': .*")))
        << "a duration needs its unit after the value";
    EXPECT_THAT(diagnostics_of(with("min = \"${sweep.backlog} - 1\"", "min = \"${sweep.backlog} * 3\"")),
                ElementsAre(MatchesRegex("t\\.toml:[0-9]+:[0-9]+: empty range: min 90 is above max 62")));
}

TEST(SweepScenario, WhenIsAConditionOnTheCellReportedOnce) {
    EXPECT_THAT(diagnostics_of(with("when = \"${sweep.cookies} == 1\"", "when = \"${sweep.cookie} == 1\"")),
                ElementsAre("t.toml:66:8: '${sweep.cookie}' names no variable of [sweep] (declared: backlog, retries, "
                            "delay, gap_ms, cookies)"));
    EXPECT_THAT(diagnostics_of(with("when = \"${sweep.cookies} == 1\"", "when = \"${sweep.cookies} =\"")),
                ElementsAre(MatchesRegex("t\\.toml:66:8: 'when': '0 =': .*")));
    EXPECT_THAT(diagnostics_of(with("when = \"${sweep.cookies} == 1\"", "when = \"1 == 1\"")),
                ElementsAre(MatchesRegex("t\\.toml:66:8: 'when' .*names no sweep variable.*")));
    EXPECT_THAT(diagnostics_of(with("when = \"${sweep.cookies} == 1\"", "when = true")),
                ElementsAre("t.toml:66:8: 'when' must be a string, not a boolean"));
}

// A scenario without [sweep] for the tests of references and --set that have nowhere to go.
constexpr const char* kPlain = R"([scenario]
name = "plain"
summary = "no sweep"

[hosts.server]
[hosts.client]

[[links]]
ends = ["server", "client"]

[[steps]]
at = "0s"
run = { name = "srv", host = "server", agent = "server", args = ["--backlog", "${sweep.backlog}"] }

[[expect]]
host = "server"
sockets = { state = "listen" }
equals = 1
)";

TEST(SweepScenario, ASweepReferenceInAFileWithoutSweepIsAnErrorWhereItIsWritten) {
    EXPECT_THAT(diagnostics_of(kPlain),
                ElementsAre("t.toml:13:79: '${sweep.backlog}' refers to a sweep variable, but the scenario has no "
                            "[sweep] table"));
    const std::string number = replaced_once(kPlain, "equals = 1", "equals = \"${sweep.backlog} + 1\"");
    const std::string args = replaced_once(number, "\"${sweep.backlog}\"]", "\"$${sweep.backlog}\"]");
    EXPECT_THAT(diagnostics_of(args), ElementsAre("t.toml:18:10: '${sweep.backlog} + 1' refers to a sweep variable, but "
                                                  "the scenario has no [sweep] table"))
        << "$${sweep.backlog} is a literal, not a reference";
}

TEST(SweepScenario, SetNamesItsVariableTheKindItTakesAndWhereItIsMissing) {
    EXPECT_THAT(diagnostics_of(kCellScenario, {{"backlogg", "1"}}),
                ElementsAre("t.toml:6:1: --set backlogg: not a variable of [sweep] (declared: backlog, retries, delay, "
                            "gap_ms, cookies)"));
    EXPECT_THAT(diagnostics_of(kCellScenario, {{"backlog", "many"}}),
                ElementsAre("t.toml:10:1: --set backlog=many: 'backlog' takes integers, not 'many'"));
    EXPECT_THAT(diagnostics_of(kCellScenario, {{"backlog", "1.5"}}),
                ElementsAre("t.toml:10:1: --set backlog=1.5: 'backlog' takes integers, not '1.5'"));
    const std::string plain = replaced_once(kPlain, "\"${sweep.backlog}\"", "\"30\"");
    EXPECT_THAT(diagnostics_of(plain, {{"backlog", "1"}}),
                ElementsAre("t.toml: --set backlog: the scenario has no [sweep] table to set it in"));
    EXPECT_NO_THROW(parse_scenario_text(plain, "t.toml", kRoomy));
}

TEST(SweepScenario, OnlyPerNamespaceSysctlsMayVaryAndTheirKeysAreFixedNames) {
    const auto global = diagnostics_of(with("\"net.ipv4.tcp_syncookies\" = \"${sweep.cookies}\"",
                                            "\"net.core.netdev_max_backlog\" = \"${sweep.backlog}\""));
    EXPECT_THAT(global, ElementsAre(MatchesRegex("t\\.toml:20:[0-9]+: net\\.core\\.netdev_max_backlog is one value for the "
                                                 "whole machine: a scenario may not change it \\(.*\\)")));
    const auto key = diagnostics_of(with("\"net.ipv4.tcp_syncookies\" = \"${sweep.cookies}\"",
                                         "\"net.ipv4.${sweep.knob}\" = 1"));
    EXPECT_THAT(key, ElementsAre(MatchesRegex("t\\.toml:20:[0-9]+: sysctl 'net\\.ipv4\\.\\$\\{sweep\\.knob\\}' contains '\\$'.*")))
        << "a key is never substituted: a sweep varies values, not which knob";
}

TEST(SweepScenario, EveryDiagnosticIsLocated) {
    std::string broken = with("equals = \"${sweep.backlog} + 1\"", "equals = \"${sweep.backlog} +\"");
    broken = replaced_once(broken, "timeout = \"${sweep.delay}\"", "timeout = \"${sweep.delay}s\"");
    broken = replaced_once(broken, "copies = \"${sweep.backlog} * 2 + 1\"", "copies = \"${sweep.backlogs}\"");
    broken = replaced_once(broken, "loss = \"${sweep.retries}%\"", "loss = \"2${sweep.retries}0%\"");
    broken = replaced_once(broken, "max = \"(${sweep.backlog} + 1) * 2\"", "max = \"(${sweep.backlog} + 1\"");
    const auto diagnostics = diagnostics_of(broken);
    EXPECT_EQ(diagnostics.size(), 5u) << ::testing::PrintToString(diagnostics);
    for (const auto& d : diagnostics) EXPECT_THAT(d, MatchesRegex("t\\.toml:[1-9][0-9]*:[1-9][0-9]*: .+")) << d;
}

}  // namespace
}  // namespace lab::runner
