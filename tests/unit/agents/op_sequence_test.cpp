#include "lab/agents/op_sequence.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using lab::agent::Op;
using lab::agent::OpKind;

namespace {

std::vector<Op> ops_ok(std::string_view text) {
    auto parsed = lab::agent::parse_op_sequence(text);
    EXPECT_FALSE(lab::failed(parsed)) << text << ": " << (lab::failed(parsed) ? std::get<lab::ParseError>(parsed).message : "");
    return lab::failed(parsed) ? std::vector<Op>{} : std::get<std::vector<Op>>(parsed);
}

std::string ops_error(std::string_view text) {
    auto parsed = lab::agent::parse_op_sequence(text);
    EXPECT_TRUE(lab::failed(parsed)) << text;
    return lab::failed(parsed) ? std::get<lab::ParseError>(parsed).message : "";
}

TEST(OpSequence, ParsesTheExampleFromTheHelp) {
    auto ops = ops_ok("connect;send:100;recv:2s;sleep:1s;close");
    ASSERT_EQ(ops.size(), 5u);
    EXPECT_EQ(ops[0].kind, OpKind::Connect);
    EXPECT_FALSE(ops[0].timeout.has_value());
    EXPECT_EQ(ops[0].arg, "");
    EXPECT_EQ(ops[1].kind, OpKind::Send);
    EXPECT_EQ(ops[1].size, 100u);
    EXPECT_EQ(ops[1].arg, "100");
    EXPECT_FALSE(ops[1].timeout.has_value());
    EXPECT_EQ(ops[2].kind, OpKind::Recv);
    EXPECT_EQ(ops[2].timeout, 2s);
    EXPECT_EQ(ops[2].arg, "2s");
    EXPECT_EQ(ops[3].kind, OpKind::Sleep);
    EXPECT_EQ(ops[3].length, 1s);
    EXPECT_EQ(ops[4].kind, OpKind::Close);
}

TEST(OpSequence, ParsesEveryOpAndItsArguments) {
    auto ops = ops_ok("connect:3s; send:4KiB:500ms ;recv;shutdown;recv:250ms;linger0;sleep:20ms;connect;close");
    ASSERT_EQ(ops.size(), 9u);
    EXPECT_EQ(ops[0].timeout, 3s);
    EXPECT_EQ(ops[1].size, 4096u);
    EXPECT_EQ(ops[1].timeout, 500ms);
    EXPECT_EQ(ops[1].arg, "4KiB:500ms");
    EXPECT_EQ(ops[2].kind, OpKind::Recv);
    EXPECT_EQ(ops[2].timeout, 10s) << "recv without a timeout waits the documented default";
    EXPECT_EQ(ops[2].arg, "");
    EXPECT_EQ(ops[3].kind, OpKind::Shutdown);
    EXPECT_EQ(ops[4].timeout, 250ms);
    EXPECT_EQ(ops[5].kind, OpKind::Linger0);
    EXPECT_EQ(ops[6].length, 20ms);
    EXPECT_EQ(ops[7].kind, OpKind::Connect);
    EXPECT_EQ(ops[8].kind, OpKind::Close);
}

TEST(OpSequence, SizesUseTheCommonUnits) {
    EXPECT_EQ(ops_ok("connect;send:1k")[1].size, 1000u);
    EXPECT_EQ(ops_ok("connect;send:1MiB")[1].size, 1048576u);
    EXPECT_EQ(ops_ok("connect;send:1500B")[1].size, 1500u);
}

TEST(OpSequence, SleepNeedsNoSocketAndATrailingSemicolonIsFine) {
    auto ops = ops_ok("sleep:100ms;connect;close;");
    ASSERT_EQ(ops.size(), 3u);
    EXPECT_EQ(ops[0].length, 100ms);
}

TEST(OpSequence, OpNamesRoundTrip) {
    for (auto kind : {OpKind::Connect, OpKind::Send, OpKind::Recv, OpKind::Sleep, OpKind::Shutdown, OpKind::Close,
                      OpKind::Linger0, OpKind::Linger, OpKind::Keepalive, OpKind::UserTimeout, OpKind::Outq, OpKind::WaitError,
                      OpKind::AppAck}) {
        std::string name(lab::agent::op_name(kind));
        EXPECT_NE(name, "?");
    }
    EXPECT_EQ(lab::agent::op_name(OpKind::Linger0), "linger0");
    EXPECT_EQ(lab::agent::op_name(OpKind::Shutdown), "shutdown");
}

TEST(OpSequence, UnknownOpNamesItsPositionAndText) {
    EXPECT_EQ(ops_error("connect;sned:100;close"),
              "op 2 \"sned:100\": unknown op 'sned' (ops: connect[:TIMEOUT], send:SIZE[:TIMEOUT], recv[:TIMEOUT], "
              "sleep:DURATION, shutdown, close, linger0, linger:SECONDS, keepalive:IDLE/INTVL/CNT, user_timeout:DURATION, outq, "
              "wait_error[:TIMEOUT], appack[:TIMEOUT])");
}

TEST(OpSequence, BadDurationsNameTheOp) {
    EXPECT_EQ(ops_error("connect;recv:2x"),
              "op 2 \"recv:2x\": bad timeout: duration '2x' has unknown unit 'x' (use ns, us, ms, s, m or h)");
    EXPECT_EQ(ops_error("connect:5"),
              "op 1 \"connect:5\": bad timeout: duration '5' has no unit (use ns, us, ms, s, m or h)");
    EXPECT_EQ(ops_error("sleep:soon"),
              "op 1 \"sleep:soon\": bad duration: 'soon' is not a duration (expected e.g. \"250ms\", \"1.5s\")");
    EXPECT_EQ(ops_error("connect;recv:0s"), "op 2 \"recv:0s\": the timeout must be longer than 0");
    EXPECT_EQ(ops_error("sleep"), "op 1 \"sleep\": sleep needs a duration, e.g. sleep:1s");
}

TEST(OpSequence, BadSizesNameTheOp) {
    EXPECT_EQ(ops_error("connect;send:lots"),
              "op 2 \"send:lots\": bad size: 'lots' is not a size (expected e.g. \"1500\", \"64KiB\")");
    EXPECT_EQ(ops_error("connect;send:3parsecs"),
              "op 2 \"send:3parsecs\": bad size: size '3parsecs' has unknown unit 'parsecs' (use B, k, KiB, M, MiB, G or GiB)");
    EXPECT_EQ(ops_error("connect;send"), "op 2 \"send\": send needs a size, e.g. send:100 or send:4KiB");
    EXPECT_EQ(ops_error("connect;send:0"), "op 2 \"send:0\": send size must be at least 1 byte");
    EXPECT_EQ(ops_error("connect;send:100:1s:2s"), "op 2 \"send:100:1s:2s\": send takes at most 2 arguments");
}

TEST(OpSequence, ArgumentsWhereNoneBelong) {
    EXPECT_EQ(ops_error("connect;close:now"), "op 2 \"close:now\": close takes no argument");
    EXPECT_EQ(ops_error("connect;linger0:1"), "op 2 \"linger0:1\": linger0 takes no argument");
    EXPECT_EQ(ops_error("connect;recv:1s:2s"), "op 2 \"recv:1s:2s\": recv takes at most 1 argument");
}

TEST(OpSequence, SocketOpsNeedAnOpenConnection) {
    EXPECT_EQ(ops_error("send:100"), "op 1 \"send:100\": send needs an open connection: put connect before it");
    EXPECT_EQ(ops_error("connect;close;recv:1s"),
              "op 3 \"recv:1s\": recv needs an open connection: put connect before it");
    EXPECT_EQ(ops_error("connect;linger0;close"),
              "op 3 \"close\": close needs an open connection: put connect before it");
    EXPECT_EQ(ops_error("connect;connect"),
              "op 2 \"connect\": the connection is already open: close it before connecting again");
}

TEST(OpSequence, EmptySequencesAndOps) {
    EXPECT_EQ(ops_error(""),
              "the op sequence is empty (ops: connect[:TIMEOUT], send:SIZE[:TIMEOUT], recv[:TIMEOUT], sleep:DURATION, "
              "shutdown, close, linger0, linger:SECONDS, keepalive:IDLE/INTVL/CNT, user_timeout:DURATION, outq, wait_error[:TIMEOUT], "
              "appack[:TIMEOUT])");
    EXPECT_EQ(ops_error("connect;;close"), "op 2 \"\": empty op (two ';' in a row?)");
}

TEST(OpSequence, LingerTakesWholeSecondsAndClosesTheConnection) {
    auto ops = ops_ok("connect;send:100;linger:2s");
    ASSERT_EQ(ops.size(), 3u);
    EXPECT_EQ(ops[2].kind, OpKind::Linger);
    EXPECT_EQ(ops[2].length, 2s);
    EXPECT_EQ(ops[2].arg, "2s");
    EXPECT_EQ(ops_error("connect;linger"), "op 2 \"linger\": linger needs whole seconds, e.g. linger:2s");
    EXPECT_EQ(ops_error("connect;linger:1500ms"),
              "op 2 \"linger:1500ms\": linger must be whole seconds from 1s to 3600s (SO_LINGER counts seconds; "
              "linger0 resets)");
    EXPECT_EQ(ops_error("connect;linger:0s"),
              "op 2 \"linger:0s\": linger must be whole seconds from 1s to 3600s (SO_LINGER counts seconds; "
              "linger0 resets)");
    EXPECT_EQ(ops_error("connect;linger:2h"),
              "op 2 \"linger:2h\": linger must be whole seconds from 1s to 3600s (SO_LINGER counts seconds; "
              "linger0 resets)");
    EXPECT_EQ(ops_error("connect;linger:1s;send:1"), "op 3 \"send:1\": send needs an open connection: put connect before it");
}

TEST(OpSequence, KeepaliveTakesIdleIntervalCount) {
    auto ops = ops_ok("keepalive:1s/1s/2;connect;keepalive:2m/5s/9");
    ASSERT_EQ(ops.size(), 3u);
    EXPECT_EQ(ops[0].kind, OpKind::Keepalive);
    EXPECT_EQ(ops[0].keepalive.idle, 1s);
    EXPECT_EQ(ops[0].keepalive.interval, 1s);
    EXPECT_EQ(ops[0].keepalive.count, 2);
    EXPECT_EQ(ops[0].arg, "1s/1s/2");
    EXPECT_EQ(ops[2].keepalive.idle, 120s);
    EXPECT_EQ(ops[2].keepalive.count, 9);
    EXPECT_TRUE(lab::agent::is_socket_option(OpKind::Keepalive));
    EXPECT_FALSE(lab::agent::is_socket_option(OpKind::Outq));
}

TEST(OpSequence, KeepaliveErrors) {
    EXPECT_EQ(ops_error("keepalive"), "op 1 \"keepalive\": keepalive needs IDLE/INTVL/CNT, e.g. keepalive:1s/1s/2");
    EXPECT_EQ(ops_error("keepalive:1s/1s"), "op 1 \"keepalive:1s/1s\": keepalive needs IDLE/INTVL/CNT, e.g. keepalive:1s/1s/2");
    EXPECT_EQ(ops_error("keepalive:1500ms/1s/2"),
              "op 1 \"keepalive:1500ms/1s/2\": keepalive idle must be a whole number of seconds, at least 1s (the kernel "
              "counts seconds)");
    EXPECT_EQ(ops_error("keepalive:1s/0s/2"),
              "op 1 \"keepalive:1s/0s/2\": keepalive interval must be a whole number of seconds, at least 1s (the "
              "kernel counts seconds)");
    EXPECT_EQ(ops_error("keepalive:1s/1s/0"),
              "op 1 \"keepalive:1s/1s/0\": keepalive count '0' must be a whole number from 1 to 127 (MAX_TCP_KEEPCNT)");
    EXPECT_EQ(ops_error("keepalive:1s/1s/x"),
              "op 1 \"keepalive:1s/1s/x\": keepalive count 'x' must be a whole number from 1 to 127 (MAX_TCP_KEEPCNT)");
    EXPECT_EQ(ops_error("keepalive:10h/1s/2"), "op 1 \"keepalive:10h/1s/2\": keepalive idle must be at most 32767s (MAX_TCP_KEEPIDLE)");
}

TEST(OpSequence, UserTimeoutBeforeOrAfterConnect) {
    auto ops = ops_ok("user_timeout:2s;connect;user_timeout:1500ms");
    EXPECT_EQ(ops[0].kind, OpKind::UserTimeout);
    EXPECT_EQ(ops[0].length, 2s);
    EXPECT_EQ(ops[2].length, 1500ms);
    EXPECT_EQ(ops_error("user_timeout"), "op 1 \"user_timeout\": user_timeout needs a duration, e.g. user_timeout:2s");
    EXPECT_EQ(ops_error("user_timeout:1500us"),
              "op 1 \"user_timeout:1500us\": user_timeout must be whole milliseconds (the kernel counts ms)");
    EXPECT_EQ(ops_error("user_timeout:1s:2s"), "op 1 \"user_timeout:1s:2s\": user_timeout takes at most 1 argument");
}

TEST(OpSequence, OutqWaitErrorAndAppack) {
    auto ops = ops_ok("connect;send:1k;outq;wait_error");
    ASSERT_EQ(ops.size(), 4u);
    EXPECT_EQ(ops[2].kind, OpKind::Outq);
    EXPECT_EQ(ops[3].kind, OpKind::WaitError);
    EXPECT_EQ(ops[3].timeout, lab::agent::default_wait_error_timeout);
    auto timed = ops_ok("connect;wait_error:4s");
    EXPECT_EQ(timed[1].timeout, 4s);
    auto ack = ops_ok("connect;send:100;appack");
    EXPECT_EQ(ack[2].kind, OpKind::AppAck);
    EXPECT_EQ(ack[2].timeout, lab::agent::default_appack_timeout);
    EXPECT_EQ(ops_ok("connect;appack:2s")[1].timeout, 2s);

    EXPECT_EQ(ops_error("connect;outq:1"), "op 2 \"outq:1\": outq takes no argument");
    EXPECT_EQ(ops_error("outq"), "op 1 \"outq\": outq needs an open connection: put connect before it");
    EXPECT_EQ(ops_error("wait_error"), "op 1 \"wait_error\": wait_error needs an open connection: put connect before it");
    EXPECT_EQ(ops_error("connect;appack:0s"), "op 2 \"appack:0s\": the timeout must be longer than 0");
    EXPECT_EQ(ops_error("connect;close;appack"), "op 3 \"appack\": appack needs an open connection: put connect before it");
}

}  // namespace
