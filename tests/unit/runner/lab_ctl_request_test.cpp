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
}

TEST(LabCtlRequest, AnythingElseIsRefusedWithWhatIsKnown) {
    EXPECT_EQ(refusal("start client1 1000"), "unknown request 'start' (known: status, count, stop PROCESS)");
    EXPECT_THAT(refusal("stop"), HasSubstr("stop takes one process name"));
    EXPECT_THAT(refusal("stop a b"), HasSubstr("stop takes one process name"));
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
