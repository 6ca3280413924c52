#include "lab/agents/client_options.hpp"

#include <netinet/in.h>

#include <gtest/gtest.h>

#include "tests/unit/option_parsing.hpp"

using namespace std::chrono_literals;
using lab::sys::CliExit;
using lab::agent::ClientOptions;

namespace {

lab::test::Parsed<ClientOptions> parse_client(std::vector<const char*> args) {
    return lab::test::parse_arguments<ClientOptions>(lab::agent::parse_client_options, "lab-client", std::move(args));
}

ClientOptions client_ok(std::vector<const char*> args) { return lab::test::options_of(parse_client(std::move(args))); }

lab::sys::CliExit client_exit(std::vector<const char*> args) { return lab::test::exit_of(parse_client(std::move(args))); }

TEST(ClientOptions, Defaults) {
    auto o = client_ok({"--target", "198.18.0.1:7000", "--ops", "connect;close"});
    EXPECT_EQ(o.target.text(), "198.18.0.1:7000");
    EXPECT_EQ(o.connections, 1);
    EXPECT_EQ(o.ops.size(), 2u);
    EXPECT_EQ(o.group, "");
    EXPECT_TRUE(o.binds.empty());
    EXPECT_FALSE(o.udp);
    EXPECT_FALSE(o.nofile.has_value());
    EXPECT_EQ(o.stagger, 0s);
    EXPECT_EQ(o.deadline, 60s);
    EXPECT_EQ(o.hold, 0s);
}

TEST(ClientOptions, EveryOption) {
    auto o = client_ok({"--target", "[::1]:9", "--connections", "250", "--ops", "connect:1s;send:1k;recv:2s",
                         "--group", "burst", "--bind", "::1", "--stagger", "5ms", "--deadline", "90s", "--hold",
                         "3s"});
    EXPECT_EQ(o.target.family(), AF_INET6);
    EXPECT_EQ(o.connections, 250);
    EXPECT_EQ(o.ops_text, "connect:1s;send:1k;recv:2s");
    EXPECT_EQ(o.ops[1].size, 1000u);
    EXPECT_EQ(o.group, "burst");
    ASSERT_EQ(o.binds.size(), 1u);
    EXPECT_EQ(o.binds[0].text(), "[::1]:0");
    EXPECT_EQ(o.stagger, 5ms);
    EXPECT_EQ(o.deadline, 90s);
    EXPECT_EQ(o.hold, 3s);
}

TEST(ClientOptions, HelpExitsZeroOnStdout) {
    auto exit = client_exit({"--help"});
    EXPECT_EQ(exit.code, 0);
    EXPECT_TRUE(exit.to_stdout());
    EXPECT_NE(exit.message.find("--ops"), std::string::npos);
    EXPECT_NE(exit.message.find("linger0"), std::string::npos);
}

TEST(ClientOptions, UsageErrorsExitTwo) {
    auto missing = client_exit({"--ops", "connect"});
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.message.find("--target is required"), std::string::npos) << missing.message;

    auto too_many = client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--connections", "100001"});
    EXPECT_EQ(too_many.code, 2);
    EXPECT_NE(too_many.message.find("--connections"), std::string::npos) << too_many.message;

    EXPECT_EQ(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--connections", "0"}).code, 2);
    EXPECT_EQ(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--frobnicate"}).code, 2);
}

TEST(ClientOptions, BadOpsNameTheOptionOpAndPosition) {
    auto exit = client_exit({"--target", "198.18.0.1:7000", "--ops", "connect;recv:2x"});
    EXPECT_EQ(exit.code, 2);
    EXPECT_FALSE(exit.to_stdout());
    EXPECT_EQ(exit.message.substr(0, exit.message.find('\n')),
              "--ops: op 2 \"recv:2x\": bad timeout: duration '2x' has unknown unit 'x' (use ns, us, ms, s, m or h)");
}

TEST(ClientOptions, BadValuesNameTheirOption) {
    auto first_line = [](const lab::sys::CliExit& e) { return e.message.substr(0, e.message.find('\n')); };
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1", "--ops", "connect"})),
              "--target: '198.18.0.1' has no port (expected ADDR:PORT, e.g. 198.18.0.1:7000)");
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1:0", "--ops", "connect"})),
              "--target: '198.18.0.1:0' needs a port other than 0");
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--stagger", "5"})),
              "--stagger: duration '5' has no unit (use ns, us, ms, s, m or h)");
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--deadline", "0s"})),
              "--deadline: must be longer than 0");
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--bind", "::1"})),
              "--bind: '::1' is not of the same address family as --target '198.18.0.1:7000'");
}

TEST(ClientOptions, BindTakesAListOrARangeRoundRobin) {
    auto range = client_ok({"--target", "198.18.0.1:7000", "--ops", "connect", "--bind", "198.18.0.2-198.18.0.5"});
    ASSERT_EQ(range.binds.size(), 4u);
    EXPECT_EQ(range.binds[0].text(), "198.18.0.2:0");
    EXPECT_EQ(range.binds[3].text(), "198.18.0.5:0");
    auto list = client_ok({"--target", "198.18.0.1:7000", "--ops", "connect", "--bind", "198.18.0.9,198.18.0.2-198.18.0.3"});
    ASSERT_EQ(list.binds.size(), 3u);
    EXPECT_EQ(list.binds[0].text(), "198.18.0.9:0");
    EXPECT_EQ(list.binds[2].text(), "198.18.0.3:0");
    auto first_line = [](const lab::sys::CliExit& e) { return e.message.substr(0, e.message.find('\n')); };
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--bind", "198.18.0.5-198.18.0.2"})),
              "--bind: range '198.18.0.5-198.18.0.2' ends before it starts");
}

TEST(ClientOptions, PortAtBindNeedsBindAndTcp) {
    EXPECT_FALSE(client_ok({"--target", "198.18.0.1:7000", "--ops", "connect", "--bind", "0.0.0.0"}).port_at_bind);
    auto o = client_ok({"--target", "198.18.0.1:7000", "--ops", "connect", "--bind", "0.0.0.0", "--port-at-bind"});
    EXPECT_TRUE(o.port_at_bind);
    ASSERT_EQ(o.binds.size(), 1u);
    EXPECT_EQ(o.binds[0].text(), "0.0.0.0:0");
    EXPECT_EQ(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--port-at-bind"}).code, 2);
    EXPECT_EQ(client_exit({"--target", "198.18.0.1:7000", "--udp", "--bind", "198.18.0.2", "--port-at-bind"}).code, 2);
}

TEST(ClientOptions, StartAfterIsADuration) {
    EXPECT_EQ(client_ok({"--target", "198.18.0.1:7000", "--ops", "connect"}).start_after, 0ms);
    EXPECT_EQ(client_ok({"--target", "198.18.0.1:7000", "--udp", "--start-after", "300ms"}).start_after, 300ms);
    auto first_line = [](const lab::sys::CliExit& e) { return e.message.substr(0, e.message.find('\n')); };
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--start-after", "300"})),
              "--start-after: duration '300' has no unit (use ns, us, ms, s, m or h)");
}

TEST(ClientOptions, WavesSetTheConnectionCountAndTheirGap) {
    auto o = client_ok({"--target", "198.18.0.1:7000", "--ops", "connect", "--waves", "5,15", "--wave-gap", "150ms"});
    EXPECT_EQ(o.waves, (std::vector<int>{5, 15}));
    EXPECT_EQ(o.connections, 20);
    EXPECT_EQ(o.wave_gap, 150ms);
    auto agreeing = client_ok({"--target", "198.18.0.1:7000", "--ops", "connect", "--waves", "2,3", "--connections", "5"});
    EXPECT_EQ(agreeing.connections, 5);
    EXPECT_EQ(agreeing.wave_gap, 0ms);
    EXPECT_TRUE(client_ok({"--target", "198.18.0.1:7000", "--ops", "connect"}).waves.empty());

    auto first_line = [](const lab::sys::CliExit& e) { return e.message.substr(0, e.message.find('\n')); };
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--waves", "5,15", "--connections", "30"})),
              "--waves: the waves add up to 20 connections, --connections says 30");
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--waves", "5", "--wave-gap", "1"})),
              "--wave-gap: duration '1' has no unit (use ns, us, ms, s, m or h)");
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--waves", "60000,60000"})),
              "--waves: 120000 connections in all, more than 100000");
    EXPECT_EQ(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--waves", "5,0"}).code, 2);
    EXPECT_EQ(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--waves", "5,x"}).code, 2);
    EXPECT_EQ(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--wave-gap", "1s"}).code, 2);
    EXPECT_EQ(client_exit({"--target", "198.18.0.1:7000", "--udp", "--waves", "1,1"}).code, 2);
}

TEST(ClientOptions, NofileSetsTheSoftLimit) {
    auto o = client_ok({"--target", "198.18.0.1:7000", "--ops", "connect", "--nofile", "20"});
    EXPECT_EQ(o.nofile, 20u);
    EXPECT_EQ(client_exit({"--target", "198.18.0.1:7000", "--ops", "connect", "--nofile", "0"}).code, 2);
}

TEST(ClientOptions, UdpSendsCountDatagramsAtARate) {
    auto o = client_ok({"--target", "198.18.0.1:9000", "--udp", "--rate", "2000/s", "--count", "5000", "--size", "1KiB",
                         "--connections", "2"});
    EXPECT_TRUE(o.udp);
    ASSERT_TRUE(o.rate.has_value());
    EXPECT_DOUBLE_EQ(o.rate->per_second, 2000);
    EXPECT_EQ(o.count, 5000u);
    EXPECT_EQ(o.size, 1024u);
    EXPECT_EQ(o.connections, 2);
    EXPECT_TRUE(o.ops.empty());

    auto defaults = client_ok({"--target", "198.18.0.1:9000", "--udp"});
    EXPECT_FALSE(defaults.rate.has_value());
    EXPECT_EQ(defaults.count, 1000u);
    EXPECT_EQ(defaults.size, 64u);
}

TEST(ClientOptions, UdpOptionsAreRefusedWhereTheyDoNotBelong) {
    auto first_line = [](const lab::sys::CliExit& e) { return e.message.substr(0, e.message.find('\n')); };
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1:9000"})), "--ops is required (unless --udp)");
    EXPECT_EQ(client_exit({"--target", "198.18.0.1:9000", "--udp", "--ops", "connect"}).code, 2);
    EXPECT_EQ(client_exit({"--target", "198.18.0.1:9000", "--ops", "connect", "--rate", "10/s"}).code, 2);
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1:9000", "--udp", "--rate", "2000"})),
              "--rate: rate '2000' has no unit (expected e.g. \"2000/s\", \"30/m\")");
    EXPECT_EQ(first_line(client_exit({"--target", "198.18.0.1:9000", "--udp", "--size", "70000"})),
              "--size: 70000 is more than a UDP datagram holds (65507 bytes)");
    EXPECT_EQ(client_exit({"--target", "198.18.0.1:9000", "--udp", "--count", "0"}).code, 2);
}

}  // namespace
