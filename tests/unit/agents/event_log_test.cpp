#include "lab/agents/event_log.hpp"

#include <algorithm>
#include <cerrno>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

using lab::agent::Event;
using lab::agent::Result;

namespace {

TEST(EventJson, CommonFieldsInOrderWithNullErrno) {
    Event e;
    e.conn = 3;
    e.op = "send";
    e.arg = "4KiB";
    e.result = Result::Ok;
    e.bytes = 4096;
    e.start_ns = 1'000'000'000;
    e.end_ns = 1'000'050'000;
    EXPECT_EQ(lab::agent::format_event("client", "burst", e),
              R"({"agent":"client","group":"burst","conn":3,"op":"send","arg":"4KiB","result":"ok","errno":null,)"
              R"("bytes":4096,"start_ns":1000000000,"end_ns":1000050000})");
}

TEST(EventJson, ErrnoIsItsSymbolicName) {
    Event e;
    e.conn = 0;
    e.op = "recv";
    e.result = Result::Error;
    e.error = ECONNRESET;
    auto j = nlohmann::json::parse(lab::agent::format_event("client", "", e));
    EXPECT_EQ(j["errno"], "ECONNRESET");
    EXPECT_EQ(j["result"], "error");
    EXPECT_EQ(j["group"], "");
    EXPECT_EQ(j["arg"], "");
}

TEST(EventJson, ExtraFieldsFollowAndNeverReplaceCommonOnes) {
    Event e;
    e.conn = -1;
    e.op = "accept";
    e.start_ns = 5;
    e.end_ns = 6;
    e.extra["peer"] = "198.18.0.2:40000";
    e.extra["local"] = "198.18.0.1:7000";
    e.extra["op"] = "forged";
    EXPECT_EQ(lab::agent::format_event("server", "g", e),
              R"({"agent":"server","group":"g","conn":-1,"op":"accept","arg":"","result":"ok","errno":null,)"
              R"("bytes":0,"start_ns":5,"end_ns":6,"peer":"198.18.0.2:40000","local":"198.18.0.1:7000"})");
}

TEST(EventJson, ResultNames) {
    EXPECT_EQ(lab::agent::result_name(Result::Ok), "ok");
    EXPECT_EQ(lab::agent::result_name(Result::Error), "error");
    EXPECT_EQ(lab::agent::result_name(Result::Timeout), "timeout");
    EXPECT_EQ(lab::agent::result_name(Result::Eof), "eof");
    EXPECT_EQ(lab::agent::result_name(Result::Abandoned), "abandoned");
}

TEST(EventJson, InvalidUtf8InAGroupDoesNotThrow) {
    Event e;
    e.op = "sleep";
    std::string line;
    EXPECT_NO_THROW(line = lab::agent::format_event("client", "bad\xff", e));
    ASSERT_TRUE(nlohmann::json::accept(line));
    EXPECT_EQ(nlohmann::json::parse(line)["group"], "bad\xef\xbf\xbd") << "replaced by U+FFFD";
}

// A pipe stands in for stdout: the log's contract is whole lines, one per event.
class EventLogTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(pipe2(fds_, O_CLOEXEC | O_NONBLOCK), 0);
    }
    void TearDown() override {
        close(fds_[0]);
        close(fds_[1]);
    }
    std::string drain() {
        std::string out;
        char buf[4096];
        ssize_t n;
        while ((n = read(fds_[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
        return out;
    }
    int fds_[2] = {-1, -1};
};

TEST_F(EventLogTest, WritesOneLinePerEventAndCountsPerOpAndResult) {
    lab::agent::EventLog log("client", "g1", fds_[1]);
    Event ok;
    ok.conn = 0;
    ok.op = "connect";
    log.write(ok);
    ok.conn = 1;
    log.write(ok);
    Event timeout = ok;
    timeout.conn = 2;
    timeout.result = Result::Timeout;
    log.write(timeout);

    std::string out = drain();
    ASSERT_EQ(std::count(out.begin(), out.end(), '\n'), 3);
    auto first = nlohmann::json::parse(out.substr(0, out.find('\n')));
    EXPECT_EQ(first["agent"], "client");
    EXPECT_EQ(first["group"], "g1");
    EXPECT_EQ(log.counts().at("connect").at("ok"), 2u);
    EXPECT_EQ(log.counts().at("connect").at("timeout"), 1u);

    Event summary;
    summary.op = "summary";
    summary.extra["stop"] = "done";
    log.write_summary(summary);
    std::string line = drain();
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.back(), '\n');
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["op"], "summary");
    EXPECT_EQ(j["conn"], -1);
    EXPECT_EQ(j["stop"], "done");
    EXPECT_EQ(j["counts"], nlohmann::json::parse(R"({"connect":{"ok":2,"timeout":1}})"));
    EXPECT_EQ(log.counts().count("summary"), 0u) << "the summary does not count itself";
}

}  // namespace
