// What `lab ctl` may ask a live run, read without a socket; and a host's count line as it prints it.
#include "runner/control_socket.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/socket_count_text.hpp"

namespace lab::runner {
namespace {

using ::testing::HasSubstr;

ControlCommand command(std::string_view text) {
    auto parsed = parse_control_command(text);
    EXPECT_TRUE(std::holds_alternative<ControlCommand>(parsed)) << std::get<std::string>(parsed);
    return std::holds_alternative<ControlCommand>(parsed) ? std::get<ControlCommand>(parsed) : ControlCommand{};
}

std::string refusal(std::string_view text) {
    auto parsed = parse_control_command(text);
    EXPECT_TRUE(std::holds_alternative<std::string>(parsed)) << text;
    return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
}

TEST(LabCtlRequest, StatusCountAndStopWithTheProcessName) {
    EXPECT_EQ(command("").kind, ControlCommand::Kind::Status);
    EXPECT_EQ(command("status\n").kind, ControlCommand::Kind::Status);
    EXPECT_EQ(command(" count ").kind, ControlCommand::Kind::Count);
    const ControlCommand stop = command("stop  client1");
    EXPECT_EQ(stop.kind, ControlCommand::Kind::Stop);
    EXPECT_EQ(stop.process, "client1");
    EXPECT_FALSE(stop.connections.has_value()) << "without a count, stop ends the program";
}

// connscale's connections_start(N) / connections_stop(N), for a lab-client --ping.
TEST(LabCtlRequest, StartAndStopTakeACountOfConnections) {
    const ControlCommand start = command("start client1 1000");
    EXPECT_EQ(start.kind, ControlCommand::Kind::Start);
    EXPECT_EQ(start.process, "client1");
    EXPECT_EQ(start.connections, 1000);
    const ControlCommand close = command(" stop  client2   500 ");
    EXPECT_EQ(close.kind, ControlCommand::Kind::Stop);
    EXPECT_EQ(close.process, "client2");
    EXPECT_EQ(close.connections, 500);
}

TEST(LabCtlRequest, AConnectionCommandMayNameOneCopy) {
    const ControlCommand start = command("start client1.2 1000");
    EXPECT_EQ(start.process, "client1");
    EXPECT_EQ(start.copy, 2);
    EXPECT_EQ(start.connections, 1000);
    const ControlCommand close = command("stop client1.0 5");
    EXPECT_EQ(close.process, "client1");
    EXPECT_EQ(close.copy, 0);
    EXPECT_FALSE(command("start client1 7").copy.has_value()) << "no copy named: every copy";
    EXPECT_EQ(refusal("start client1.x 5"), "start: 'client1.x' is not PROCESS.COPY with COPY a copy's number (0, 1, ...)");
    EXPECT_EQ(refusal("start client1. 5"), "start: 'client1.' is not PROCESS.COPY with COPY a copy's number (0, 1, ...)");
    EXPECT_EQ(refusal("stop client1.-1 5"), "stop: 'client1.-1' is not PROCESS.COPY with COPY a copy's number (0, 1, ...)");
    EXPECT_EQ(refusal("stop client1.1"),
              "stop client1.1 without a count: a program's copies are stopped together (stop client1)");
}

TEST(LabCtlRequest, AnythingElseIsRefusedWithWhatIsKnown) {
    EXPECT_EQ(refusal("restart client1"),
              "unknown request 'restart' (known: status, count, stop PROCESS[.COPY] [N], start PROCESS[.COPY] N)");
    EXPECT_THAT(refusal("stop"), HasSubstr("stop takes a process name"));
    EXPECT_THAT(refusal("stop a 1 2"), HasSubstr("stop takes a process name"));
    EXPECT_EQ(refusal("stop a b"), "stop: 'b' is not a count of connections (a whole number, at least 1)");
    EXPECT_THAT(refusal("start client1"), HasSubstr("start takes a process name and a count"));
    EXPECT_EQ(refusal("start client1 0"), "start: '0' is not a count of connections (a whole number, at least 1)");
    EXPECT_EQ(refusal("start client1 -5"), "start: '-5' is not a count of connections (a whole number, at least 1)");
    EXPECT_EQ(refusal("start client1 99999999999"),
              "start: '99999999999' is not a count of connections (a whole number, at least 1)");
    EXPECT_EQ(refusal("count server"), "count takes no argument");
}

TEST(SocketCountText, StatesMostFirstWithTheListenersQueues) {
    SocketTally tally;
    record::SocketEntry listener;
    listener.protocol = "tcp";
    listener.state = "listen";
    listener.local_port = 7000;
    listener.recv_q = 3;
    listener.send_q = 512;
    tally.kept = {listener};
    tally.counts = {{"tcp", "established", 7000, std::nullopt, 1200},
                    {"tcp", "established", std::nullopt, 40000, 800},
                    {"tcp", "time-wait", std::nullopt, 40001, 5}};
    tally.total = 2006;
    EXPECT_EQ(socket_count_text("server", tally),
              "server: 2000 tcp established, 5 tcp time-wait, 1 tcp listen (accept queue 3 of 512); 2006 sockets");
    EXPECT_EQ(socket_count_text("idle", SocketTally{}), "idle: no sockets; 0 sockets");
}

}  // namespace
}  // namespace lab::runner
