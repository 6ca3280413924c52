// lab-client --ping and lab-server --per-second: the scale modes' command lines.
#include <gtest/gtest.h>

#include "lab/agents/client_options.hpp"
#include "lab/agents/server_options.hpp"

using namespace std::chrono_literals;

namespace {

template <typename Options, typename Parse>
std::variant<Options, lab::sys::CliExit> parse_with(Parse parse, const char* program, std::vector<const char*> args) {
    args.insert(args.begin(), program);
    return parse(static_cast<int>(args.size()), args.data());
}

std::variant<lab::agent::ClientOptions, lab::sys::CliExit> client(std::vector<const char*> args) {
    return parse_with<lab::agent::ClientOptions>(lab::agent::parse_client_options, "lab-client", std::move(args));
}

std::string usage_error(const std::variant<lab::agent::ClientOptions, lab::sys::CliExit>& parsed) {
    const auto* exit = std::get_if<lab::sys::CliExit>(&parsed);
    if (!exit) return "(parsed)";
    // The first line is the problem; CLI11 adds "Run with --help ..." after it.
    return exit->message.substr(0, exit->message.find('\n'));
}

TEST(PingOptions, EveryOption) {
    auto parsed = client({"--target", "198.18.0.1:7000", "--connections", "500000", "--ping", "10s", "--ping-timeout", "2s",
                          "--ping-size", "4", "--connect-timeout", "3s", "--ramp", "50000/s", "--threads", "2",
                          "--report-every", "500ms", "--bind", "198.18.0.2-198.18.0.9", "--hold", "5s"});
    ASSERT_TRUE(std::holds_alternative<lab::agent::ClientOptions>(parsed)) << usage_error(parsed);
    const auto& o = std::get<lab::agent::ClientOptions>(parsed);
    ASSERT_TRUE(o.ping);
    EXPECT_EQ(o.connections, 500'000);
    EXPECT_EQ(o.ping->every, 10s);
    EXPECT_EQ(o.ping->timeout, 2s);
    EXPECT_EQ(o.ping->size, 4u);
    EXPECT_EQ(o.ping->connect_timeout, 3s);
    ASSERT_TRUE(o.ping->ramp);
    EXPECT_DOUBLE_EQ(o.ping->ramp->per_second, 50'000);
    EXPECT_EQ(o.ping->threads, 2);
    EXPECT_EQ(o.ping->report_every, 500ms);
    EXPECT_EQ(o.binds.size(), 8u);
    EXPECT_EQ(o.hold, 5s);
    EXPECT_TRUE(o.ops.empty());
}

TEST(PingOptions, DefaultsNeedNoOps) {
    auto parsed = client({"--target", "198.18.0.1:7000", "--ping", "1s"});
    ASSERT_TRUE(std::holds_alternative<lab::agent::ClientOptions>(parsed)) << usage_error(parsed);
    const auto& o = std::get<lab::agent::ClientOptions>(parsed);
    ASSERT_TRUE(o.ping);
    EXPECT_EQ(o.ping->timeout, 5s);
    EXPECT_EQ(o.ping->size, 5u);
    EXPECT_FALSE(o.ping->ramp);
    EXPECT_EQ(o.ping->threads, 1);
    EXPECT_EQ(o.ping->capacity, 1) << "no room for start commands beyond --connections unless asked";
}

// Room for connections a start command adds: --connections-max, never fewer than --connections.
TEST(PingOptions, ConnectionsMaxLeavesRoomForStartCommands) {
    auto parsed = client({"--target", "198.18.0.1:7000", "--ping", "1s", "--connections", "100", "--connections-max", "250"});
    ASSERT_TRUE(std::holds_alternative<lab::agent::ClientOptions>(parsed)) << usage_error(parsed);
    EXPECT_EQ(std::get<lab::agent::ClientOptions>(parsed).ping->capacity, 250);
    EXPECT_EQ(usage_error(client({"--target", "198.18.0.1:7000", "--ping", "1s", "--connections", "100", "--connections-max", "50"})),
              "--connections-max: 50 is fewer than --connections 100");
    EXPECT_NE(usage_error(client({"--target", "198.18.0.1:7000", "--connections", "10", "--connections-max", "50", "--ops",
                                  "connect"})),
              "(parsed)")
        << "only ping mode takes commands";
}

TEST(PingOptions, OnlyPingModeGoesBeyondAHundredThousand) {
    EXPECT_EQ(usage_error(client({"--target", "198.18.0.1:7000", "--connections", "200000", "--ops", "connect"})),
              "--connections: 200000 is more than 100000 (only --ping goes further)");
    auto parsed = client({"--target", "198.18.0.1:7000", "--connections", "1000000", "--ping", "20s"});
    ASSERT_TRUE(std::holds_alternative<lab::agent::ClientOptions>(parsed)) << usage_error(parsed);
    EXPECT_EQ(std::get<lab::agent::ClientOptions>(parsed).connections, 1'000'000);
}

TEST(PingOptions, Refusals) {
    EXPECT_NE(usage_error(client({"--target", "198.18.0.1:7000", "--ping", "1s", "--ops", "connect"})).find("excludes"),
              std::string::npos);
    EXPECT_NE(usage_error(client({"--target", "198.18.0.1:7000", "--ramp", "10/s", "--ops", "connect"})).find("requires"),
              std::string::npos);
    EXPECT_EQ(usage_error(client({"--target", "198.18.0.1:7000", "--ping", "1s", "--ramp", "fast"})).rfind("--ramp: ", 0), 0u);
    EXPECT_EQ(usage_error(client({"--target", "198.18.0.1:7000", "--ping", "1s", "--connections", "2", "--threads", "3"})),
              "--threads: 3 loops for 2 connections");
    EXPECT_EQ(usage_error(client({"--target", "198.18.0.1:7000", "--ping", "1s", "--report-every", "1ms"})),
              "--report-every: must be at least 10ms");
}

TEST(PerSecondServer, FlagIsTcpOnly) {
    auto parsed = parse_with<lab::agent::ServerOptions>(lab::agent::parse_server_options, "lab-server",
                                                        {"--port", "7000", "--per-second", "--report-every", "2s"});
    ASSERT_TRUE(std::holds_alternative<lab::agent::ServerOptions>(parsed));
    EXPECT_TRUE(std::get<lab::agent::ServerOptions>(parsed).per_second);
    EXPECT_EQ(std::get<lab::agent::ServerOptions>(parsed).report_every, 2s);
    auto udp = parse_with<lab::agent::ServerOptions>(lab::agent::parse_server_options, "lab-server",
                                                     {"--port", "7000", "--per-second", "--udp"});
    EXPECT_TRUE(std::holds_alternative<lab::sys::CliExit>(udp));
}

}  // namespace
