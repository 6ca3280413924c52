// Selecting sockets from each snapshot detail level: the same selectors give the same numbers on a full
// view and on the counts of the same sockets, and a counts view says which field it lacks.
#include "record/counted_sockets.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lab::record {
namespace {

using ::testing::HasSubstr;

SocketEntry sock(std::string state, std::uint16_t lport, std::uint16_t rport, std::uint32_t recv_q = 0,
                 std::uint32_t send_q = 0) {
    return SocketEntry{"tcp", std::move(state), "198.18.0.1", lport, "198.18.0.2", rport, recv_q, send_q, 0};
}

// A server on 7000 with 3 accepted connections, 1 in SYN-RECV, and 2 connections out to port 9000.
HostView full_view() {
    HostView v;
    v.sockets = {sock("listen", 7000, 0, 4, 128), sock("established", 7000, 40001), sock("established", 7000, 40002),
                 sock("established", 7000, 40003), sock("syn-recv", 7000, 40004),  sock("established", 50001, 9000),
                 sock("established", 50002, 9000)};
    return v;
}

HostView counts_view() {
    HostView v;
    v.detail = kDetailCounts;
    v.sockets = {sock("listen", 7000, 0, 4, 128)};
    v.socket_counts = {{"tcp", "established", 7000, std::nullopt, 3},
                       {"tcp", "syn-recv", 7000, std::nullopt, 1},
                       {"tcp", "established", std::nullopt, 9000, 2}};
    return v;
}

SocketSelector select(std::vector<std::string> states, std::optional<std::uint16_t> lport,
                      std::optional<std::uint16_t> rport) {
    SocketSelector s;
    s.states = std::move(states);
    s.local_port = lport;
    s.remote_port = rport;
    return s;
}

TEST(CountedSockets, CountsAndFullViewsAgreeOnStateAndPortSelectors) {
    const std::vector<SocketSelector> selectors = {
        select({"established"}, 7000, std::nullopt), select({}, 7000, std::nullopt),
        select({"established", "syn-recv"}, std::nullopt, std::nullopt), select({"listen"}, 7000, std::nullopt),
        select({"time-wait"}, std::nullopt, std::nullopt)};
    const std::vector<double> expected = {3, 5, 6, 1, 0};
    for (std::size_t i = 0; i < selectors.size(); ++i) {
        std::string why;
        auto full = selected_sockets(full_view(), selectors[i], "count", why);
        auto counts = selected_sockets(counts_view(), selectors[i], "count", why);
        ASSERT_TRUE(full) << selectors[i].text();
        ASSERT_TRUE(counts) << selectors[i].text() << ": " << why;
        EXPECT_EQ(*full, expected[i]) << selectors[i].text();
        EXPECT_EQ(*counts, expected[i]) << selectors[i].text();
    }
}

TEST(CountedSockets, AClientsSocketsAreCountedByRemotePort) {
    HostView client;
    client.detail = kDetailCounts;
    client.socket_counts = {{"tcp", "established", std::nullopt, 9000, 2}, {"tcp", "syn-sent", std::nullopt, 9000, 5},
                            {"tcp", "established", std::nullopt, 7000, 1}};
    std::string why;
    EXPECT_EQ(selected_sockets(client, select({"established"}, std::nullopt, 9000), "count", why), 2);
    EXPECT_EQ(selected_sockets(client, select({}, std::nullopt, 9000), "count", why), 7);
    EXPECT_EQ(selected_sockets(client, select({"established"}, std::nullopt, std::nullopt), "count", why), 3);
}

TEST(CountedSockets, ListenerQueuesAreKeptInACountsView) {
    std::string why;
    EXPECT_EQ(selected_sockets(counts_view(), select({"listen"}, 7000, std::nullopt), "recv_q", why), 4);
    EXPECT_EQ(selected_sockets(counts_view(), select({"listen"}, 7000, std::nullopt), "send_q", why), 128);
}

TEST(CountedSockets, ARemotePortOfAServersSocketsIsNotInACountsView) {
    std::string why;
    EXPECT_FALSE(selected_sockets(counts_view(), select({"established"}, std::nullopt, 40001), "count", why));
    EXPECT_THAT(why, HasSubstr("counted 3 tcp established sockets on local port 7000 without their remote ports"));
    EXPECT_THAT(why, HasSubstr("detail = \"full\""));
}

TEST(CountedSockets, AnUnservedLocalPortIsNotInACountsView) {
    std::string why;
    EXPECT_FALSE(selected_sockets(counts_view(), select({"established"}, 50001, std::nullopt), "count", why));
    EXPECT_THAT(why, HasSubstr("by remote port only"));
    EXPECT_THAT(why, HasSubstr("local port 50001 is no listener's"));
}

TEST(CountedSockets, TheQueueOfAConnectedSocketIsNotInACountsView) {
    std::string why;
    EXPECT_FALSE(selected_sockets(counts_view(), select({"established"}, 7000, std::nullopt), "recv_q", why));
    EXPECT_THAT(why, HasSubstr("queues of listeners only"));
}

TEST(CountedSockets, ANoneViewHasNoSockets) {
    HostView v;
    v.detail = kDetailNone;
    std::string why;
    EXPECT_FALSE(selected_sockets(v, select({}, std::nullopt, std::nullopt), "count", why));
    EXPECT_THAT(why, HasSubstr("detail = \"none\""));
}

}  // namespace
}  // namespace lab::record
