#include "lab/agents/socket_report.hpp"

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

namespace lab::agent {

const char* tcp_state_name(int state) {
    // ss(8)'s spelling, so that events and sock_diag snapshots read alike.
    switch (state) {
    case TCP_ESTABLISHED: return "ESTABLISHED";
    case TCP_SYN_SENT: return "SYN-SENT";
    case TCP_SYN_RECV: return "SYN-RECV";
    case TCP_FIN_WAIT1: return "FIN-WAIT-1";
    case TCP_FIN_WAIT2: return "FIN-WAIT-2";
    case TCP_TIME_WAIT: return "TIME-WAIT";
    case TCP_CLOSE: return "CLOSE";
    case TCP_CLOSE_WAIT: return "CLOSE-WAIT";
    case TCP_LAST_ACK: return "LAST-ACK";
    case TCP_LISTEN: return "LISTEN";
    case TCP_CLOSING: return "CLOSING";
    }
    return "UNKNOWN";
}

nlohmann::ordered_json tcp_info_json(int fd) {
    tcp_info info{};
    socklen_t length = sizeof info;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return nullptr;
    nlohmann::ordered_json j;
    j["state"] = tcp_state_name(info.tcpi_state);
    j["retransmits"] = info.tcpi_retransmits;  // of the segment at the head of the queue, now
    j["total_retrans"] = info.tcpi_total_retrans;
    j["probes"] = info.tcpi_probes;  // keepalive or zero-window probes sent unanswered
    j["backoff"] = info.tcpi_backoff;
    j["unacked"] = info.tcpi_unacked;
    j["sacked"] = info.tcpi_sacked;
    j["lost"] = info.tcpi_lost;
    j["rto_us"] = info.tcpi_rto;
    j["rtt_us"] = info.tcpi_rtt;
    j["last_data_recv_ms"] = info.tcpi_last_data_recv;
    j["last_ack_recv_ms"] = info.tcpi_last_ack_recv;
    return j;
}

nlohmann::ordered_json outq_json(int fd) {
    int unsent = 0;
    if (::ioctl(fd, SIOCOUTQ, &unsent) != 0) return nullptr;
    return unsent;
}

}  // namespace lab::agent
