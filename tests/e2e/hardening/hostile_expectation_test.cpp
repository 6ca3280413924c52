// Expectations are user input, and so is what a judged program prints: none of them may crash lab, hang
// it, or make it spend unbounded time and memory (issue 25, items 4, 5 and 8).
// - An `output` pattern of 150 nested alternations over a 4000-character line killed `lab run` with
//   SIGSEGV (libstdc++'s std::regex recursed once per character), and '^(?:a+)+(b)' over a line of 170
//   a's spun at 100 % CPU, deaf to SIGINT and SIGTERM (exponential backtracking); neither left a record.
//   RE2 judges both in milliseconds.
// - A `packets` filter of 1500 OR-ed terms took 13 s and 2 GB to validate (libpcap's compiler grows
//   faster than the filter); a filter, like a pattern, now has a length bound checked before compiling.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include "lab_invocation.hpp"

namespace lab::hardening_test {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

std::string nested_alternations(int depth) {
    std::string open, close;
    for (int i = 0; i < depth; ++i) {
        open += "(?:";
        close += "|b)";
    }
    return open + "a" + close;
}

// One program prints "aaa…a=123" (4000 characters) and 170 a's; each expectation reads both lines.
std::string hostile_patterns() {
    return fmt::format(R"([scenario]
name = "hostile-patterns"
summary = "output patterns that crashed or hung a backtracking matcher, over the lines that did it"
time_limit = "20s"

[hosts.box]

[[steps]]
at = "0s"
run = {{ name = "printer", host = "box", command = ["sh", "-c", "head -c 3996 /dev/zero | tr '\\0' a; echo =123; head -c 170 /dev/zero | tr '\\0' a; echo"] }}

[[steps]]
at = "100ms"
wait = {{ process = "printer", timeout = "10s" }}

[[expect]]
id = "nested-alternations"
output = {{ process = "printer", pattern = '^(?:{0})+=(\d+)$' }}
equals = 123

[[expect]]
id = "nested-quantifiers"
output = {{ process = "printer", pattern = '^(?:a+)+(b)', matches = "count" }}
equals = 0
)",
                       nested_alternations(150));
}

// A captured link, a packets expectation whose filter ORs 3000 ports (line 16), and an output pattern
// longer than a pattern may be (line 19).
std::string costly_expectations() {
    std::string filter;
    for (int port = 1000; port < 4000; ++port) filter += (filter.empty() ? "" : " or ") + fmt::format("port {}", port);
    return fmt::format(R"([scenario]
name = "costly-expectations"
summary = "a filter and a pattern too long to compile"
time_limit = "10s"
[hosts.server]
[hosts.client]
[[links]]
name = "lan"
ends = ["server", "client"]
capture = true
[[steps]]
at = "0s"
run = {{ name = "printer", host = "client", command = ["true"] }}
[[expect]]
host = "server"
packets = {{ link = "lan", filter = "{0}" }}
equals = 0
[[expect]]
output = {{ process = "printer", pattern = '({1})' }}
equals = 0
)",
                       filter, std::string(2000, 'a'));
}

// `lab ARGS...`, given `limit` to end before it is stopped by its pid: the old matcher and the old filter
// compiler never came back, and a regression must fail here instead of hanging the suite.
struct Bounded {
    bool ended = false;
    int exit_code = -1;
    std::string out, err;
};

Bounded run_bounded(const Scratch& scratch, const std::vector<std::string>& args, std::chrono::seconds limit) {
    const fs::path out = scratch.path() / "lab.stdout", err = scratch.path() / "lab.stderr";
    Program lab({.exe = kLab, .args = args, .out = Output::to_file(out), .err = Output::to_file(err)});
    Bounded b;
    b.ended = lab.wait_for(limit);
    if (!b.ended) {
        ::kill(lab.pid(), SIGKILL);
        lab.wait();
    }
    b.exit_code = lab.exit_code();
    b.out = slurp(out);
    b.err = slurp(err);
    return b;
}

TEST(HostileExpectation, PatternsThatCrashedOrHungABacktrackingMatcherAreJudged) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: builds network namespaces";
    Scratch scratch("hostile-patterns");
    const std::string file = scratch.write("hostile-patterns.toml", hostile_patterns());

    // The run itself takes about a second.
    const Bounded r =
        run_bounded(scratch, {"run", "--json", "--out", (scratch.path() / "runs").string(), file}, std::chrono::seconds(60));
    ASSERT_TRUE(r.ended) << "lab run was still going after 60 s\n" << r.err;
    ASSERT_EQ(r.exit_code, 0) << r.err;

    const Json doc = Json::parse(r.out);
    ASSERT_EQ(doc.at("runs").size(), 1u);
    const Json& run = doc.at("runs")[0];
    EXPECT_EQ(run.at("outcome"), "completed");
    std::map<std::string, Json> verdicts;
    for (const auto& v : run.at("verdicts")) verdicts[v.at("id").get<std::string>()] = v;
    ASSERT_EQ(verdicts.size(), 2u) << run.dump(2);
    EXPECT_EQ(verdicts.at("nested-alternations").at("observed"), "123");
    EXPECT_EQ(verdicts.at("nested-alternations").at("status"), "pass");
    EXPECT_EQ(verdicts.at("nested-quantifiers").at("observed"), "0");
    EXPECT_EQ(verdicts.at("nested-quantifiers").at("status"), "pass");

    const auto records = records_under(scratch.path() / "runs");
    ASSERT_EQ(records.size(), 1u);
    const Json record = Json::parse(slurp(records.front()));
    EXPECT_EQ(record.at("run").at("outcome"), "completed");
    EXPECT_EQ(record.at("verdicts").size(), 2u);
}

TEST(HostileExpectation, AFilterOrPatternTooLongToCompileIsRefusedAtItsLine) {
    Scratch scratch("costly-expectations");
    const std::string file = scratch.write("costly.toml", costly_expectations());

    const Bounded v = run_bounded(scratch, {"validate", file}, std::chrono::seconds(60));
    ASSERT_TRUE(v.ended) << "lab validate was still going after 60 s";
    EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
    EXPECT_THAT(v.err, HasSubstr(file + ":16:"));
    EXPECT_THAT(v.err, HasSubstr("filter 'port 1000 or port 1001"));
    EXPECT_THAT(v.err, HasSubstr("...': is 38996 bytes long; at most 1024"));
    EXPECT_THAT(v.err, HasSubstr(file + ":19:"));
    EXPECT_THAT(v.err, HasSubstr("is 2002 bytes long; at most 1024"));
    EXPECT_LT(v.err.size(), 1000u) << "an error quotes the beginning of what is too long, not all of it";
}

}  // namespace
}  // namespace lab::hardening_test
