#include "lab/agents/server_options.hpp"

#include <gtest/gtest.h>

#include "tests/unit/option_parsing.hpp"

using namespace std::chrono_literals;
using lab::agent::AcceptPolicy;
using lab::sys::CliExit;
using lab::agent::ServerMode;
using lab::agent::ServerOptions;

namespace {

lab::test::Parsed<ServerOptions> parse_server(std::vector<const char*> args) {
    return lab::test::parse_arguments<ServerOptions>(lab::agent::parse_server_options, "lab-server", std::move(args));
}

ServerOptions server_ok(std::vector<const char*> args) { return lab::test::options_of(parse_server(std::move(args))); }

lab::sys::CliExit server_exit(std::vector<const char*> args) { return lab::test::exit_of(parse_server(std::move(args))); }

std::string first_line(const lab::sys::CliExit& e) { return e.message.substr(0, e.message.find('\n')); }

TEST(ServerOptions, Defaults) {
    auto o = server_ok({"--listen", "0.0.0.0:7000"});
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
    EXPECT_EQ(server_ok({"--port", "7000"}).listen.text(), "0.0.0.0:7000");
    EXPECT_EQ(server_ok({"--port", "7000", "--bind", "198.18.0.1"}).listen.text(), "198.18.0.1:7000");
    EXPECT_EQ(server_ok({"--port", "7000", "--bind", "::"}).listen.text(), "[::]:7000");
}

TEST(ServerOptions, EveryOption) {
    auto o = server_ok({"--listen", "198.18.0.1:7000", "--backlog", "5", "--accept", "after:2s", "--mode", "hold",
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
    auto none = server_exit({});
    EXPECT_EQ(none.code, 2);
    EXPECT_EQ(first_line(none), "give --listen ADDR:PORT, or --port PORT (with optional --bind ADDR)");

    auto both = server_exit({"--listen", "0.0.0.0:7000", "--port", "7000"});
    EXPECT_EQ(both.code, 2);
    EXPECT_NE(both.message.find("excludes"), std::string::npos) << both.message;

    EXPECT_EQ(server_exit({"--bind", "198.18.0.1"}).code, 2);
    EXPECT_EQ(server_exit({"--port", "70000"}).code, 2);

    auto accept = server_exit({"--port", "7000", "--accept", "sometimes"});
    EXPECT_EQ(accept.code, 2);
    EXPECT_EQ(first_line(accept),
              "--accept: unknown accept policy 'sometimes' (expected never, always, after:DURATION, rate:N/s or "
              "burst:N/DURATION)");
    EXPECT_EQ(first_line(server_exit({"--port", "7000", "--mode", "rst"})),
              "--mode: unknown mode 'rst' (expected echo, sink, hold, reset, ack or http)");
    EXPECT_EQ(first_line(server_exit({"--port", "7000", "--deadline", "forever"})),
              "--deadline: 'forever' is not a duration (expected e.g. \"250ms\", \"1.5s\")");
    EXPECT_EQ(first_line(server_exit({"--listen", "198.18.0.1"})),
              "--listen: '198.18.0.1' has no port (expected ADDR:PORT, e.g. 198.18.0.1:7000)");
}

TEST(ServerOptions, HelpExitsZero) {
    auto help = server_exit({"--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.message.find("--backlog"), std::string::npos);
}

TEST(ServerOptions, NewDefaults) {
    auto o = server_ok({"--port", "7000"});
    EXPECT_FALSE(o.spread.has_value());
    EXPECT_FALSE(o.linger.has_value());
    EXPECT_EQ(o.acceptors, 0);
    EXPECT_EQ(o.acceptor_wait, lab::agent::AcceptorWait::Block);
    EXPECT_FALSE(o.nofile.has_value());
    EXPECT_FALSE(o.close_listener_at.has_value());
    EXPECT_FALSE(o.udp);
    EXPECT_EQ(o.sockets, 1);
    EXPECT_EQ(o.cost.length, 0s);
    EXPECT_FALSE(o.rcvbuf.has_value());
    EXPECT_EQ(o.report_every, 1s);
}

TEST(ServerOptions, TcpAdditions) {
    auto o = server_ok({"--port", "7000", "--accept", "burst:5/1s", "--mode", "ack", "--linger", "3", "--acceptors",
                         "8", "--acceptor-wait", "epoll", "--nofile", "16", "--close-listener-at", "2s"});
    EXPECT_EQ(o.accept.kind, AcceptPolicy::Kind::Burst);
    EXPECT_EQ(o.mode, ServerMode::Ack);
    EXPECT_EQ(o.linger, 3);
    EXPECT_EQ(o.acceptors, 8);
    EXPECT_EQ(o.acceptor_wait, lab::agent::AcceptorWait::Epoll);
    EXPECT_EQ(o.nofile, 16u);
    EXPECT_EQ(o.close_listener_at, 2s);
    EXPECT_EQ(server_ok({"--port", "7000", "--accept", "rate:20/s"}).accept.kind, AcceptPolicy::Kind::Rate);
    EXPECT_EQ(server_ok({"--port", "7000", "--mode", "reset"}).mode, ServerMode::Reset);
    auto spread = server_ok({"--port", "7000", "--reuseport-cbpf", "random:4"});
    EXPECT_TRUE(spread.reuseport) << "CBPF implies SO_REUSEPORT";
    EXPECT_EQ(spread.spread->modulus, 4);
}

TEST(ServerOptions, TcpAdditionErrors) {
    EXPECT_EQ(first_line(server_exit({"--port", "7000", "--mode", "reset", "--linger", "3"})),
              "--linger: --mode reset already closes with SO_LINGER {1,0}");
    EXPECT_EQ(first_line(server_exit({"--port", "7000", "--acceptor-wait", "spin"})),
              "--acceptor-wait: unknown 'spin' (expected block or epoll)");
    EXPECT_EQ(first_line(server_exit({"--port", "7000", "--close-listener-at", "2"})),
              "--close-listener-at: duration '2' has no unit (use ns, us, ms, s, m or h)");
    EXPECT_EQ(first_line(server_exit({"--port", "7000", "--reuseport-cbpf", "random"})),
              "--reuseport-cbpf: a TCP listener's group spans processes: give its size, e.g. random:4");
    EXPECT_EQ(server_exit({"--port", "7000", "--acceptors", "0"}).code, 2);
    EXPECT_EQ(server_exit({"--port", "7000", "--linger", "-1"}).code, 2);
    EXPECT_EQ(server_exit({"--port", "7000", "--nofile", "0"}).code, 2);
    EXPECT_EQ(first_line(server_exit({"--port", "7000", "--sockets", "4"})), "--sockets, --cost and --rcvbuf need --udp");
    EXPECT_EQ(first_line(server_exit({"--port", "7000", "--cost", "5ms"})), "--sockets, --cost and --rcvbuf need --udp");
}

TEST(ServerOptions, UdpMode) {
    auto o = server_ok({"--port", "9000", "--udp", "--sockets", "4", "--reuseport-cbpf", "cpu", "--cost", "busy:5ms",
                         "--rcvbuf", "64KiB", "--report-every", "500ms"});
    EXPECT_TRUE(o.udp);
    EXPECT_EQ(o.sockets, 4);
    EXPECT_TRUE(o.reuseport) << "a group of sockets needs SO_REUSEPORT";
    EXPECT_EQ(o.spread->kind, lab::agent::ReuseportSpread::Kind::Cpu);
    EXPECT_EQ(o.cost.kind, lab::agent::DatagramCost::Kind::Busy);
    EXPECT_EQ(o.cost.length, 5ms);
    EXPECT_EQ(o.rcvbuf, 65536u);
    EXPECT_EQ(o.report_every, 500ms);
    EXPECT_EQ(server_ok({"--port", "9000", "--udp", "--cost", "5ms"}).cost.kind, lab::agent::DatagramCost::Kind::Sleep);
}

TEST(ServerOptions, UdpModeRefusesTcpOptions) {
    const std::string tcp_only =
        "--udp: --accept, --mode, --backlog, --linger, --acceptors and --close-listener-at are TCP options";
    EXPECT_EQ(first_line(server_exit({"--port", "9000", "--udp", "--backlog", "5"})), tcp_only);
    EXPECT_EQ(first_line(server_exit({"--port", "9000", "--udp", "--mode", "sink"})), tcp_only);
    EXPECT_EQ(first_line(server_exit({"--port", "9000", "--udp", "--acceptors", "2"})), tcp_only);
    EXPECT_EQ(first_line(server_exit({"--port", "9000", "--udp", "--rcvbuf", "0"})), "--rcvbuf: must be from 1 byte to 1GiB");
    EXPECT_EQ(first_line(server_exit({"--port", "9000", "--udp", "--report-every", "1ms"})),
              "--report-every: must be at least 10ms");
    EXPECT_EQ(server_exit({"--port", "9000", "--udp", "--sockets", "0"}).code, 2);
}

}  // namespace
