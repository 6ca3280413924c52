// The counting of sock_diag answers that counts-level snapshots and samples use, on hand-made messages.
#include "runner/socket_tally.hpp"

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

using lab::runner::SocketCounter;

// Appends one answer as the kernel sends it (header, inet_diag_msg, a SHUTDOWN attribute to step over).
void append(std::vector<std::byte>& buffer, std::uint8_t state, std::uint16_t sport, std::uint16_t dport) {
    inet_diag_msg m{};
    m.idiag_family = AF_INET;
    m.idiag_state = state;
    m.id.idiag_sport = htons(sport);
    m.id.idiag_dport = htons(dport);
    const std::size_t attr_len = NLA_HDRLEN + 1;
    const std::size_t len = NLMSG_LENGTH(sizeof m) + NLA_ALIGN(attr_len);
    const std::size_t at = buffer.size();
    buffer.resize(at + NLMSG_ALIGN(len));
    nlmsghdr header{};
    header.nlmsg_len = static_cast<std::uint32_t>(len);
    header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    std::memcpy(buffer.data() + at, &header, sizeof header);
    std::memcpy(buffer.data() + at + NLMSG_HDRLEN, &m, sizeof m);
    nlattr attr{static_cast<std::uint16_t>(attr_len), INET_DIAG_SHUTDOWN};
    std::memcpy(buffer.data() + at + NLMSG_LENGTH(sizeof m), &attr, sizeof attr);
}

TEST(SocketTally, CountsServedPortsByLocalPortAndOthersByRemotePort) {
    std::vector<bool> served(65536, false);
    served[7000] = true;
    std::vector<std::byte> buffer;
    for (int i = 0; i < 3; ++i) append(buffer, 1, 7000, static_cast<std::uint16_t>(40000 + i));  // accepted
    for (int i = 0; i < 2; ++i) append(buffer, 1, static_cast<std::uint16_t>(50000 + i), 9000);  // outgoing
    append(buffer, 6, static_cast<std::uint16_t>(50100), 9000);                                   // time-wait
    SocketCounter counter(true);
    EXPECT_EQ(counter.add_messages(buffer, served), 6u);
    std::vector<lab::record::SocketCount> rows;
    counter.append_rows(rows);
    ASSERT_EQ(rows.size(), 3u);
    // Ordered by state name, then by how they are keyed (remote before local), then port.
    EXPECT_EQ(rows[0].state, "established");
    EXPECT_EQ(rows[0].remote_port, 9000);
    EXPECT_FALSE(rows[0].local_port);
    EXPECT_EQ(rows[0].count, 2u);
    EXPECT_EQ(rows[1].state, "established");
    EXPECT_EQ(rows[1].local_port, 7000);
    EXPECT_FALSE(rows[1].remote_port);
    EXPECT_EQ(rows[1].count, 3u);
    EXPECT_EQ(rows[2].state, "time-wait");
    EXPECT_EQ(rows[2].count, 1u);
    EXPECT_EQ(rows[2].protocol, "tcp");
}

TEST(SocketTally, RequestSocketsOfBothKernelStatesAreOneSynRecvRow) {
    std::vector<bool> served(65536, false);
    served[7000] = true;
    std::vector<std::byte> buffer;
    append(buffer, 3, 7000, 40000);   // TCP_SYN_RECV
    append(buffer, 12, 7000, 40001);  // TCP_NEW_SYN_RECV: a request socket
    SocketCounter counter(true);
    counter.add_messages(buffer, served);
    std::vector<lab::record::SocketCount> rows;
    counter.append_rows(rows);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].state, "syn-recv");
    EXPECT_EQ(rows[0].count, 2u);
}

TEST(SocketTally, AMessageTooShortIsRefused) {
    std::vector<std::byte> buffer(NLMSG_LENGTH(8));
    nlmsghdr header{};
    header.nlmsg_len = static_cast<std::uint32_t>(buffer.size());
    std::memcpy(buffer.data(), &header, sizeof header);
    SocketCounter counter(true);
    EXPECT_THROW(counter.add_messages(buffer, std::vector<bool>(65536, false)), std::invalid_argument);
}

}  // namespace
