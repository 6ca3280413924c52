#include "runner/sock_diag.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <vector>

namespace {

using lab::runner::decode_sock_diag_message;
using lab::runner::state_name;

// A netlink message as the kernel sends it: header, inet_diag_msg, then a SHUTDOWN attribute, which every
// full socket carries and which the decoder must step over.
std::vector<std::byte> message_of(const inet_diag_msg& body) {
    const std::size_t attr_len = NLA_HDRLEN + 1;
    std::vector<std::byte> bytes(NLMSG_LENGTH(sizeof(body)) + NLA_ALIGN(attr_len));
    nlmsghdr header{};
    header.nlmsg_len = static_cast<std::uint32_t>(bytes.size());
    header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    header.nlmsg_flags = NLM_F_MULTI;
    std::memcpy(bytes.data(), &header, sizeof(header));
    std::memcpy(bytes.data() + NLMSG_HDRLEN, &body, sizeof(body));
    nlattr attr{static_cast<std::uint16_t>(attr_len), INET_DIAG_SHUTDOWN};
    std::memcpy(bytes.data() + NLMSG_LENGTH(sizeof(body)), &attr, sizeof(attr));
    return bytes;
}

inet_diag_msg v4(std::uint8_t state, const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport) {
    inet_diag_msg m{};
    m.idiag_family = AF_INET;
    m.idiag_state = state;
    m.id.idiag_sport = htons(sport);
    m.id.idiag_dport = htons(dport);
    inet_pton(AF_INET, src, m.id.idiag_src);
    inet_pton(AF_INET, dst, m.id.idiag_dst);
    return m;
}

TEST(SockDiagDecode, ListenerKeepsPortsQueuesAndInode) {
    inet_diag_msg m = v4(10, "198.18.0.1", 7000, "0.0.0.0", 0);
    m.idiag_rqueue = 31;
    m.idiag_wqueue = 30;
    m.idiag_inode = 123456;
    auto e = decode_sock_diag_message("tcp", message_of(m));
    EXPECT_EQ(e.protocol, "tcp");
    EXPECT_EQ(e.state, "listen");
    EXPECT_EQ(e.local_addr, "198.18.0.1");
    EXPECT_EQ(e.local_port, 7000);
    EXPECT_EQ(e.remote_addr, "0.0.0.0");
    EXPECT_EQ(e.remote_port, 0);
    EXPECT_EQ(e.recv_q, 31u);
    EXPECT_EQ(e.send_q, 30u);
    EXPECT_EQ(e.inode, 123456u);
}

TEST(SockDiagDecode, RequestSocketReadsAsSynRecv) {
    auto e = decode_sock_diag_message("tcp", message_of(v4(12, "127.0.0.1", 7000, "127.0.0.1", 40000)));
    EXPECT_EQ(e.state, "syn-recv");
    EXPECT_EQ(e.remote_port, 40000);
    EXPECT_EQ(e.inode, 0u);
}

TEST(SockDiagDecode, Ipv6KeepsTheMappedForm) {
    inet_diag_msg m{};
    m.idiag_family = AF_INET6;
    m.idiag_state = 1;
    m.id.idiag_sport = htons(7000);
    m.id.idiag_dport = htons(51000);
    inet_pton(AF_INET6, "::", m.id.idiag_src);
    inet_pton(AF_INET6, "::ffff:198.18.0.2", m.id.idiag_dst);
    auto e = decode_sock_diag_message("tcp", message_of(m));
    EXPECT_EQ(e.state, "established");
    EXPECT_EQ(e.local_addr, "::");
    EXPECT_EQ(e.remote_addr, "::ffff:198.18.0.2");
    EXPECT_EQ(e.remote_port, 51000);
}

TEST(SockDiagDecode, StateNamesFollowTheKernelNumbers) {
    const char* expected[] = {"established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait",
                              "close",       "close-wait", "last-ack", "listen",   "closing",    "syn-recv"};
    for (unsigned state = 1; state <= 12; ++state) EXPECT_EQ(state_name(state), expected[state - 1]) << state;
    EXPECT_EQ(state_name(0), "state-0");
    EXPECT_EQ(state_name(99), "state-99");
}

TEST(SockDiagDecode, MalformedMessagesAreRejected) {
    auto good = message_of(v4(1, "127.0.0.1", 1, "127.0.0.1", 2));
    EXPECT_THROW(decode_sock_diag_message("tcp", std::span(good).first(NLMSG_HDRLEN + 8)), std::invalid_argument);

    auto too_long = good;
    std::uint32_t len = static_cast<std::uint32_t>(good.size() + 64);
    std::memcpy(too_long.data(), &len, sizeof(len));
    EXPECT_THROW(decode_sock_diag_message("tcp", too_long), std::invalid_argument);

    inet_diag_msg unix_family = v4(1, "127.0.0.1", 1, "127.0.0.1", 2);
    unix_family.idiag_family = AF_UNIX;
    EXPECT_THROW(decode_sock_diag_message("tcp", message_of(unix_family)), std::invalid_argument);
}

}  // namespace
