#include "lab/agents/server_options.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using lab::agent::AcceptPolicy;
using lab::agent::CliExit;
using lab::agent::ServerMode;
using lab::agent::ServerOptions;

namespace {

std::variant<ServerOptions, CliExit> parse(std::vector<const char*> args) {
    args.insert(args.begin(), "lab-server");
    return lab::agent::parse_server_options(static_cast<int>(args.size()), args.data());
}

ServerOptions options_ok(std::vector<const char*> args) {
    auto parsed = parse(std::move(args));
    if (auto* exit = std::get_if<CliExit>(&parsed)) {
        ADD_FAILURE() << "exit " << exit->code << ": " << exit->message;
        return {};
    }
    return std::get<ServerOptions>(parsed);
}

CliExit exit_of(std::vector<const char*> args) {
    auto parsed = parse(std::move(args));
    EXPECT_TRUE(std::holds_alternative<CliExit>(parsed));
    return std::holds_alternative<CliExit>(parsed) ? std::get<CliExit>(parsed) : CliExit{};
}

std::string first_line(const CliExit& e) { return e.message.substr(0, e.message.find('\n')); }

TEST(ServerOptions, Defaults) {
    auto o = options_ok({"--listen", "0.0.0.0:7000"});
    EXPECT_EQ(o.listen.text(), "0.0.0.0:7000");
    EXPECT_EQ(o.backlog, 128);
    EXPECT_EQ(o.accept.kind, AcceptPolicy::Kind::Always);
    EXPECT_EQ(o.mode, ServerMode::Echo);
    EXPECT_FALSE(o.reuseaddr);
    EXPECT_FALSE(o.reuseport);
    EXPECT_EQ(o.group, "");
    EXPECT_EQ(o.deadline, 300s);
}

TEST(ServerOptions, PortWithAndWithoutBind) {
    EXPECT_EQ(options_ok({"--port", "7000"}).listen.text(), "0.0.0.0:7000");
    EXPECT_EQ(options_ok({"--port", "7000", "--bind", "198.18.0.1"}).listen.text(), "198.18.0.1:7000");
    EXPECT_EQ(options_ok({"--port", "7000", "--bind", "::"}).listen.text(), "[::]:7000");
}

TEST(ServerOptions, EveryOption) {
    auto o = options_ok({"--listen", "198.18.0.1:7000", "--backlog", "5", "--accept", "after:2s", "--mode", "hold",
                         "--reuseaddr", "--reuseport", "--group", "srv", "--deadline", "30s"});
    EXPECT_EQ(o.backlog, 5);
    EXPECT_EQ(o.accept.kind, AcceptPolicy::Kind::After);
    EXPECT_EQ(o.accept.delay, 2s);
    EXPECT_EQ(o.mode, ServerMode::Hold);
    EXPECT_TRUE(o.reuseaddr);
    EXPECT_TRUE(o.reuseport);
    EXPECT_EQ(o.group, "srv");
    EXPECT_EQ(o.deadline, 30s);
}

TEST(ServerOptions, UsageErrorsExitTwoAndSayWhy) {
    auto none = exit_of({});
    EXPECT_EQ(none.code, 2);
    EXPECT_EQ(first_line(none), "give --listen ADDR:PORT, or --port PORT (with optional --bind ADDR)");

    auto both = exit_of({"--listen", "0.0.0.0:7000", "--port", "7000"});
    EXPECT_EQ(both.code, 2);
    EXPECT_NE(both.message.find("excludes"), std::string::npos) << both.message;

    EXPECT_EQ(exit_of({"--bind", "198.18.0.1"}).code, 2);
    EXPECT_EQ(exit_of({"--port", "70000"}).code, 2);

    auto accept = exit_of({"--port", "7000", "--accept", "sometimes"});
    EXPECT_EQ(accept.code, 2);
    EXPECT_EQ(first_line(accept),
              "--accept: unknown accept policy 'sometimes' (expected never, always or after:DURATION)");
    EXPECT_EQ(first_line(exit_of({"--port", "7000", "--mode", "reset"})),
              "--mode: unknown mode 'reset' (expected echo, sink or hold)");
    EXPECT_EQ(first_line(exit_of({"--port", "7000", "--deadline", "forever"})),
              "--deadline: 'forever' is not a duration (expected e.g. \"250ms\", \"1.5s\")");
    EXPECT_EQ(first_line(exit_of({"--listen", "198.18.0.1"})),
              "--listen: '198.18.0.1' has no port (expected ADDR:PORT, e.g. 198.18.0.1:7000)");
}

TEST(ServerOptions, HelpExitsZero) {
    auto help = exit_of({"--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.message.find("--backlog"), std::string::npos);
}

}  // namespace
