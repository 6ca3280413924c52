#include "runner/scenario_parser.hpp"
#include "tests/unit/runner/scenario_parsing.hpp"

#include <algorithm>
#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using lab::runner::parse_scenario_text;
using lab::runner::Scenario;
using lab::runner::ScenarioError;
using lab::runner::StepKind;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kValid = R"(
[scenario]
name = "tiny"
summary = "a server and a client"
source = { doc = "001", kernel = "2.6.26" }
time_limit = "10s"

[hosts.server]
sysctl = { "net.ipv4.tcp_synack_retries" = 2, "net.ipv4.tcp_syncookies" = false }
[hosts.client]

[[links]]
ends = ["server", "client"]

[[steps]]
at = "2s"
snapshot = "settled"

[[steps]]
at = "0s"
run = { name = "srv", host = "server", agent = "server", args = ["--port", "7000"] }

[[steps]]
at = "100ms"
run = { name = "nc", host = "client", command = ["nc", "${hosts.server.addr}", "7000"], copies = 3 }

[[expect]]
id = "queue"
at = "settled"
host = "server"
sockets = { state = "listen", local_port = 7000, metric = "recv_q" }
equals = 31
documented = 31

[[expect]]
host = "server"
counter = "TcpExt.ListenOverflows"
in = [1, 100]

[[expect]]
events = { process = "srv", op = "accept", result = "ok" }
same_as = "queue"
kernel = ">=4.4"
)";

// Every diagnostic of a text that must not parse, as one string.
using lab::runner::test::errors_of;

// kValid with one line replaced (the replaced text must occur exactly once).
std::string with(const std::string& from, const std::string& to) {
    std::string s = kValid;
    auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
}

TEST(ScenarioParser, ReadsEverySection) {
    Scenario s = parse_scenario_text(kValid, "t.toml");
    EXPECT_EQ(s.name, "tiny");
    EXPECT_EQ(s.source_doc, "001");
    EXPECT_EQ(s.source_kernel, "2.6.26");
    EXPECT_EQ(s.time_limit, std::chrono::seconds(10));
    ASSERT_EQ(s.hosts.size(), 2u);
    EXPECT_EQ(s.hosts[0].name, "server");
    ASSERT_EQ(s.hosts[0].sysctls.size(), 2u);
    EXPECT_EQ(s.hosts[0].sysctls[0].key, "net.ipv4.tcp_synack_retries");
    EXPECT_EQ(s.hosts[0].sysctls[0].value, "2");
    EXPECT_EQ(s.hosts[0].sysctls[1].value, "0");  // false is written as 0
    ASSERT_EQ(s.links.size(), 1u);
    EXPECT_EQ(s.links[0].name, "link0");
    EXPECT_THAT(s.links[0].ends, ElementsAre("server", "client"));
}

TEST(ScenarioParser, SortsStepsByTimeAndKeepsWhereTheyWereWritten) {
    Scenario s = parse_scenario_text(kValid, "t.toml");
    ASSERT_EQ(s.steps.size(), 3u);
    EXPECT_EQ(s.steps[0].kind, StepKind::Run);
    EXPECT_EQ(s.steps[0].run.name, "srv");
    EXPECT_EQ(s.steps[1].run.name, "nc");
    EXPECT_EQ(s.steps[1].run.copies, 3);
    EXPECT_THAT(s.steps[1].run.command, ElementsAre("nc", "${hosts.server.addr}", "7000"));
    EXPECT_EQ(s.steps[2].kind, StepKind::Snapshot);
    EXPECT_EQ(s.steps[2].snapshot, "settled");
    EXPECT_EQ(s.steps[2].where.line, 15);
}

TEST(ScenarioParser, ReadsExpectationsWithTheirOrigin) {
    Scenario s = parse_scenario_text(kValid, "t.toml");
    ASSERT_EQ(s.expectations.size(), 3u);
    const auto& q = s.expectations[0];
    EXPECT_EQ(q.id, "queue");
    EXPECT_EQ(q.kind, lab::record::ExpectKind::Sockets);
    EXPECT_EQ(q.at, "settled");
    EXPECT_THAT(q.sockets.states, ElementsAre("listen"));
    EXPECT_EQ(q.sockets.local_port, 7000);
    EXPECT_EQ(q.metric, "recv_q");
    EXPECT_EQ(q.equals, 31);
    EXPECT_EQ(q.documented, "31");
    EXPECT_THAT(q.origin, HasSubstr("t.toml:"));
    const auto& c = s.expectations[1];
    EXPECT_EQ(c.id, "expect-2");
    EXPECT_EQ(c.kind, lab::record::ExpectKind::Counter);
    EXPECT_EQ(c.at, "end");
    EXPECT_EQ(c.min, 1);
    EXPECT_EQ(c.max, 100);
    const auto& e = s.expectations[2];
    EXPECT_EQ(e.kind, lab::record::ExpectKind::Events);
    EXPECT_EQ(e.same_as, "queue");
    EXPECT_EQ(e.kernel, ">=4.4");
}

TEST(ScenarioParser, TomlSyntaxErrorsCarryLineAndColumn) {
    EXPECT_THAT(errors_of("[scenario]\nname = \"x\nsummary = 1\n"), HasSubstr("t.toml:2:"));
}

TEST(ScenarioParser, UnknownKeyIsReportedWhereItIsWritten) {
    std::string e = errors_of(with("time_limit = \"10s\"", "time_limit = \"10s\"\ntimelimit = \"3s\""));
    EXPECT_THAT(e, HasSubstr("t.toml:7:1: unknown key 'timelimit' in [scenario]"));
}

TEST(ScenarioParser, WrongTypesNameTheKeyAndTheType) {
    EXPECT_THAT(errors_of(with("copies = 3", "copies = \"3\"")), HasSubstr("'copies' must be an integer, not a string"));
    EXPECT_THAT(errors_of(with("time_limit = \"10s\"", "time_limit = 10")),
                HasSubstr("t.toml:6:14: 'time_limit' must be a duration string"));
}

TEST(ScenarioParser, PrestartIsABooleanOnARun) {
    Scenario s = parse_scenario_text(with("copies = 3", "copies = 3, prestart = true"), "t.toml");
    int prestarted = 0;
    for (const auto& step : s.steps) {
        if (step.kind != lab::runner::StepKind::Run || !step.run.prestart) continue;
        ++prestarted;
        EXPECT_EQ(step.run.copies, 3);
    }
    EXPECT_EQ(prestarted, 1);
    EXPECT_THAT(errors_of(with("copies = 3", "copies = 3, prestart = 1")),
                HasSubstr("'prestart' must be true or false, not an integer"));
}

TEST(ScenarioParser, BadDurationsSayWhy) {
    EXPECT_THAT(errors_of(with("at = \"100ms\"", "at = \"100\"")), HasSubstr("has no unit"));
    EXPECT_THAT(errors_of(with("at = \"100ms\"", "at = \"100 fortnights\"")), HasSubstr("unknown unit 'fortnights'"));
    EXPECT_THAT(errors_of(with("at = \"2s\"", "at = \"20s\"")), HasSubstr("after the time limit 10s"));
}

TEST(ScenarioParser, UnknownHostsProcessesAndSnapshotsAreErrors) {
    EXPECT_THAT(errors_of(with("host = \"client\"", "host = \"klient\"")), HasSubstr("host 'klient' is not defined"));
    EXPECT_THAT(errors_of(with("ends = [\"server\", \"client\"]", "ends = [\"server\", \"cliend\"]")),
                HasSubstr("link end 'cliend' is not a host"));
    EXPECT_THAT(errors_of(with("at = \"settled\"", "at = \"setled\"")), HasSubstr("no snapshot named 'setled'"));
    EXPECT_THAT(errors_of(with("process = \"srv\"", "process = \"server\"")),
                HasSubstr("no process named 'server' is started by any step"));
    EXPECT_THAT(errors_of(with("${hosts.server.addr}", "${hosts.sever.addr}")), HasSubstr("no host named 'sever'"));
    EXPECT_THAT(errors_of(with("${hosts.server.addr}", "${host.server.addr}")), HasSubstr("unknown variable"));
}

TEST(ScenarioParser, ExpectationsNeedOneSelectorAndAComparison) {
    EXPECT_THAT(errors_of(with("equals = 31\n", "")), HasSubstr("needs a comparison"));
    EXPECT_THAT(errors_of(with("counter = \"TcpExt.ListenOverflows\"", "counter = \"ListenOverflows\"")),
                HasSubstr("must be Section.Name"));
    EXPECT_THAT(errors_of(with("in = [1, 100]", "in = [100, 1]")), HasSubstr("empty range"));
    EXPECT_THAT(errors_of(with("same_as = \"queue\"", "same_as = \"qeue\"")), HasSubstr("names no expectation"));
    EXPECT_THAT(errors_of(with("state = \"listen\"", "state = \"listening\"")), HasSubstr("socket state 'listening'"));
    EXPECT_THAT(errors_of(with("result = \"ok\"", "result = \"ok\", errno = \"ECONNRESETT\"")),
                HasSubstr("'ECONNRESETT' is not an errno name"));
}

TEST(ScenarioParser, EventsSumFieldsPerConnection) {
    Scenario s = parse_scenario_text(
        with("result = \"ok\" }", "result = \"ok\", sum = [\"datagrams\", \"drops\"], per_conn = \"min\" }"),
        "t.toml");
    const auto& e = s.expectations[2];
    EXPECT_THAT(e.sum, ElementsAre("datagrams", "drops"));
    EXPECT_EQ(e.per_conn, "min");
    s = parse_scenario_text(with("result = \"ok\" }", "sum = \"bytes\" }"), "t.toml");
    EXPECT_THAT(s.expectations[2].sum, ElementsAre("bytes"));
    EXPECT_EQ(s.expectations[2].per_conn, "");
    EXPECT_THAT(errors_of(with("result = \"ok\" }", "per_conn = \"average\" }")),
                HasSubstr("per_conn 'average' is unknown (known: min, max, nonzero)"));
    EXPECT_THAT(errors_of(with("result = \"ok\" }", "sum = \"start_ns\" }")), HasSubstr("'start_ns' is not one"));
    EXPECT_THAT(errors_of(with("result = \"ok\" }", "sum = 3 }")), HasSubstr("'sum' must be a string or an array"));
}

TEST(ScenarioParser, AGuardOnAWavesStartSpreadIsReadAndChecked) {
    Scenario s = parse_scenario_text(
        with("result = \"ok\" }", "result = \"ok\", wave = 1, timing = \"start_spread\" }\nguard = true"), "t.toml");
    const auto& e = s.expectations[2];
    EXPECT_EQ(e.wave, 1);
    EXPECT_EQ(e.timing, "start_spread");
    EXPECT_TRUE(e.guard);
    EXPECT_FALSE(s.expectations[0].guard);
    EXPECT_FALSE(s.expectations[0].wave.has_value());
    EXPECT_THAT(errors_of(with("result = \"ok\" }", "wave = -1 }")), HasSubstr("wave"));
    EXPECT_THAT(errors_of(with("result = \"ok\" }", "result = \"ok\" }\nguard = \"yes\"")), HasSubstr("guard"));
}

TEST(ScenarioParser, AWaitOnSocketsNamesItsHostSelectorAndCount) {
    const std::string step = R"([[steps]]
at = "100ms"
wait = { host = "client", sockets = { state = ["established", "syn-sent"], remote_port = 7000 }, at_least = 3, timeout = "1s" }

[[expect]]
id = "queue")";
    Scenario s = parse_scenario_text(with("[[expect]]\nid = \"queue\"", step), "t.toml");
    auto it = std::find_if(s.steps.begin(), s.steps.end(), [](const auto& st) { return st.kind == StepKind::Wait; });
    ASSERT_NE(it, s.steps.end());
    ASSERT_TRUE(it->sockets_wait.has_value());
    EXPECT_EQ(it->sockets_wait->host, "client");
    EXPECT_THAT(it->sockets_wait->sockets.states, ElementsAre("established", "syn-sent"));
    EXPECT_EQ(it->sockets_wait->sockets.remote_port, 7000);
    EXPECT_EQ(it->sockets_wait->at_least, 3);
    EXPECT_EQ(it->timeout, std::chrono::seconds(1));
    EXPECT_TRUE(it->process.empty());

    auto bad = [&](const std::string& from, const std::string& to) {
        std::string text = with("[[expect]]\nid = \"queue\"", step);
        text.replace(text.find(from), from.size(), to);
        return errors_of(text);
    };
    EXPECT_THAT(bad("host = \"client\", ", "host = \"klient\", "), HasSubstr("host 'klient' is not defined"));
    EXPECT_THAT(bad(", at_least = 3", ""), HasSubstr("'at_least'"));
    EXPECT_THAT(bad("at_least = 3", "at_least = 0"), HasSubstr("at_least"));
    EXPECT_THAT(bad("remote_port = 7000", "remote_port = 7000, metric = \"recv_q\""),
                HasSubstr("unknown key 'metric' in sockets"));
    EXPECT_THAT(bad("\"syn-sent\"", "\"syn-snet\""), HasSubstr("socket state 'syn-snet'"));
    EXPECT_THAT(bad("wait = { host", "wait = { process = \"srv\", host"), HasSubstr("not both"));
}

TEST(ScenarioParser, SameAsCyclesAreFound) {
    std::string text = with("id = \"queue\"", "id = \"queue\"\nsame_as = \"expect-3\"");
    EXPECT_THAT(errors_of(text), HasSubstr("a cycle"));
}

TEST(ScenarioParser, OnlyPerNamespaceSysctlsAndLabAddresses) {
    EXPECT_THAT(errors_of(with("\"net.ipv4.tcp_synack_retries\" = 2", "\"kernel.pid_max\" = 2")),
                HasSubstr("not under net."));
    EXPECT_THAT(errors_of(with("ends = [\"server\", \"client\"]", "ends = [\"server\", \"client\"]\nsubnet = \"10.0.0.0/24\"")),
                HasSubstr("outside the lab range 198.18.0.0/15"));
}

TEST(ScenarioParser, ReportsEveryErrorAtOnce) {
    std::string text = with("copies = 3", "copies = 0");
    text = text.substr(0, text.find("[[expect]]"));
    text += "[[expect]]\nhost = \"nobody\"\ncounter = \"TcpExt.X\"\nequals = 1\n";
    std::string e = errors_of(text);
    EXPECT_THAT(e, HasSubstr("out of range [1, 10000]"));
    EXPECT_THAT(e, HasSubstr("no host named 'nobody'"));
}

TEST(ScenarioParser, NamesAreCheckedForFileAndNamespaceSafety) {
    EXPECT_TRUE(lab::runner::is_valid_name("backlog-30"));
    EXPECT_FALSE(lab::runner::is_valid_name("Server"));
    EXPECT_FALSE(lab::runner::is_valid_name("1st"));
    EXPECT_FALSE(lab::runner::is_valid_name("a/b"));
    EXPECT_FALSE(lab::runner::is_valid_name(std::string(25, 'a')));
    EXPECT_THAT(errors_of(with("name = \"srv\"", "name = \"../srv\"")), HasSubstr("process name '../srv' is not valid"));
}

// A name is echoed in the diagnostic that rejects it: escaped, so that it can neither drive the terminal
// nor split the one-line "file:line:column: message" in two.
TEST(ScenarioParser, ControlCharactersInNamesAreEchoedEscaped) {
    try {
        parse_scenario_text(with("[hosts.client]", "[hosts.\"x\\u001b[2J\\ny\"]"), "t.toml");
        ADD_FAILURE() << "expected a ScenarioError";
    } catch (const ScenarioError& e) {
        ASSERT_FALSE(e.diagnostics().empty());
        EXPECT_EQ(e.diagnostics().front(),
                  "t.toml:10:8: host name 'x\\x1b[2J\\ny' is not valid (lower-case letters, digits and '-', "
                  "starting with a letter, at most 24 characters)");
        for (const auto& d : e.diagnostics()) {
            EXPECT_EQ(d.find('\x1b'), std::string::npos) << d;
            EXPECT_EQ(d.find('\n'), std::string::npos) << d;
        }
    }
    EXPECT_THAT(errors_of(with("name = \"srv\"", "name = \"s\\tv\\u0007\"")),
                HasSubstr("process name 's\\tv\\a' is not valid"));
}

TEST(ScenarioParser, MissingFileIsAnError) {
    try {
        lab::runner::parse_scenario_file("/nonexistent/x.toml");
        FAIL();
    } catch (const ScenarioError& e) {
        EXPECT_THAT(e.what(), HasSubstr("/nonexistent/x.toml: cannot open"));
    }
}

}  // namespace
