// A `connections` step: a lab-client --ping starts N more connections or closes N, as the parser takes it
// and refuses it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scenario_parser.hpp"
#include "tests/unit/runner/scenario_parsing.hpp"

namespace {

using lab::runner::test::errors_or_nothing;

using lab::runner::parse_scenario_text;
using lab::runner::Scenario;
using lab::runner::ScenarioError;
using lab::runner::StepKind;
using ::testing::HasSubstr;

std::string scenario(const std::string& steps) {
    return R"toml([scenario]
name = "commanded"
summary = "connections started and closed while the client runs"
time_limit = "10s"
[hosts.server]
[hosts.client]
[[links]]
ends = ["server", "client"]
[[steps]]
at = "0s"
run = { name = "srv", host = "server", agent = "server", args = ["--port", "7000", "--mode", "echo"] }
[[steps]]
at = "100ms"
run = { name = "cli", host = "client", agent = "client", args = ["--target", "${hosts.server.addr}:7000", "--connections", "10", "--connections-max", "40", "--ping", "1s", "--hold", "5s"] }
)toml" + steps;
}

TEST(ConnectionsStep, StartAndStopACountOfTheClientsConnections) {
    Scenario s = parse_scenario_text(scenario(R"toml([[steps]]
at = "2s"
connections = { process = "cli", start = 30 }
[[steps]]
at = "3s"
connections = { process = "cli", stop = 25 }
)toml"),
                                     "t.toml");
    ASSERT_EQ(s.steps.size(), 4u);
    EXPECT_EQ(s.steps[2].kind, StepKind::Connections);
    EXPECT_EQ(s.steps[2].process, "cli");
    EXPECT_EQ(s.steps[2].connections.command, lab::sys::ConnectionCommand::Start);
    EXPECT_EQ(s.steps[2].connections.count, 30);
    EXPECT_EQ(s.steps[3].connections.command, lab::sys::ConnectionCommand::Stop);
    EXPECT_EQ(s.steps[3].connections.count, 25);
}

TEST(ConnectionsStep, OneCopyOrEveryCopy) {
    const std::string two_copies = std::string(R"toml([[steps]]
at = "200ms"
run = { name = "many", host = "client", agent = "client", copies = 2, args = ["--target", "${hosts.server.addr}:7000", "--connections", "10", "--ping", "1s"] }
)toml");
    Scenario s = parse_scenario_text(scenario(two_copies + R"toml([[steps]]
at = "2s"
connections = { process = "many", copy = 1, start = 30 }
[[steps]]
at = "3s"
connections = { process = "many", stop = 5 }
)toml"),
                                     "t.toml");
    ASSERT_EQ(s.steps.size(), 5u);
    EXPECT_EQ(s.steps[3].copy, 1);
    EXPECT_FALSE(s.steps[4].copy.has_value());
    EXPECT_THAT(errors_or_nothing(scenario(two_copies + "[[steps]]\nat = \"2s\"\nconnections = { process = \"many\", copy = 2, start = 5 }\n")),
                HasSubstr("t.toml:18:1: process 'many' has 2 copies (0 to 1): there is no copy 2"));
    EXPECT_THAT(errors_or_nothing(scenario("[[steps]]\nat = \"2s\"\nconnections = { process = \"cli\", copy = -1, start = 5 }\n")),
                HasSubstr("'copy' = -1 is out of range"));
}

TEST(ConnectionsStep, OnlyALabClientInPingModeTakesThem) {
    // The server would die of the signal that carries a command: refused where it is written.
    EXPECT_THAT(errors_or_nothing(scenario("[[steps]]\nat = \"2s\"\nconnections = { process = \"srv\", start = 5 }\n")),
                HasSubstr("t.toml:15:1: process 'srv' is not a lab-client --ping"));
    EXPECT_THAT(errors_or_nothing(scenario("[[steps]]\nat = \"2s\"\nconnections = { process = \"nobody\", start = 5 }\n")),
                HasSubstr("no process named 'nobody' is started by any step"));
    EXPECT_THAT(errors_or_nothing(scenario("[[steps]]\nat = \"50ms\"\nconnections = { process = \"cli\", start = 5 }\n")),
                HasSubstr("process 'cli' is started only at 100ms, after this step"));
}

TEST(ConnectionsStep, ExactlyOneOfStartAndStopWithACount) {
    EXPECT_THAT(errors_or_nothing(scenario("[[steps]]\nat = \"2s\"\nconnections = { process = \"cli\", start = 5, stop = 5 }\n")),
                HasSubstr("a connections step either starts connections"));
    EXPECT_THAT(errors_or_nothing(scenario("[[steps]]\nat = \"2s\"\nconnections = { process = \"cli\" }\n")),
                HasSubstr("a connections step either starts connections"));
    EXPECT_THAT(errors_or_nothing(scenario("[[steps]]\nat = \"2s\"\nconnections = { process = \"cli\", start = 0 }\n")),
                HasSubstr("t.toml:17:42: 'start' = 0 is out of range [1, 4000000]"));
    EXPECT_THAT(errors_or_nothing(scenario("[[steps]]\nat = \"2s\"\nconnections = { process = \"cli\", start = 5, count = 1 }\n")),
                HasSubstr("count"));
    EXPECT_THAT(errors_or_nothing(scenario("[[steps]]\nat = \"2s\"\nconnections = \"cli\"\n")),
                HasSubstr("'connections' must be a table"));
}

}  // namespace
