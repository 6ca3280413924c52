// Why the request is ours and the decoding is libnl-idiag's:
// - libnl-idiag's request, idiagnl_send_simple(), is the old TCPDIAG_GETSOCK. Given the state bits it does list
//   every TCP state, request sockets in SYN-RECV included (tried on 6.18), but it cannot ask about UDP at all.
//   UDP needs inet_diag_req_v2 (SOCK_DIAG_BY_FAMILY) anyway, and that one request serves both protocols: one
//   request path, where using libnl's for TCP would make two.
// - libnl-idiag's cache, idiagnl_msg_alloc_cache(), keys its objects on family and 4-tuple and so folds sockets
//   that share one (a SO_REUSEPORT group, which scenarios count) into a single entry. We receive the dump
//   ourselves, one callback per socket.
// - idiagnl_msg_parse() decodes any inet_diag_msg whatever the protocol, so every answer goes through it.
// - No extensions are asked for: tcp_info would make the kernel lock every socket, and the record has no
//   place for it yet.
#include "runner/sock_diag.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netlink/idiag/idiagnl.h>
#include <netlink/idiag/msg.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <exception>
#include <memory>
#include <stdexcept>
#include <vector>

#include "runner/netlink_socket.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {
namespace {

struct NlSockFree {
    void operator()(nl_sock* sock) const { nl_socket_free(sock); }
};
using NlSock = std::unique_ptr<nl_sock, NlSockFree>;

struct IdiagMsgPut {
    void operator()(idiagnl_msg* msg) const { idiagnl_msg_put(msg); }
};
using IdiagMsg = std::unique_ptr<idiagnl_msg, IdiagMsgPut>;

// libnl folds errno into its own codes; the errno of the failing syscall is still set when there was one, and
// a failure of libnl's own making (a truncated or out-of-sequence message) is a protocol error.
[[noreturn]] void throw_libnl(const std::string& operation, int nl_error, int saved_errno) {
    sys::throw_kernel_error(operation + " (" + nl_geterror(nl_error) + ")", saved_errno != 0 ? saved_errno : EPROTO);
}

std::string format_address(int family, const void* bytes) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (inet_ntop(family, bytes, text.data(), text.size()) == nullptr)
        throw std::invalid_argument("sock_diag: address of family " + std::to_string(family) + " is not printable");
    return text.data();
}

SocketEntry decode(std::string_view protocol, nlmsghdr* header) {
    idiagnl_msg* raw = nullptr;
    if (int err = idiagnl_msg_parse(header, &raw); err < 0)
        throw std::invalid_argument(std::string("sock_diag: malformed inet_diag_msg: ") + nl_geterror(err));
    IdiagMsg msg(raw);

    int family = idiagnl_msg_get_family(msg.get());
    if (family != AF_INET && family != AF_INET6)
        throw std::invalid_argument("sock_diag: inet_diag_msg of unexpected family " + std::to_string(family));

    SocketEntry entry;
    entry.protocol = protocol;
    entry.state = state_name(idiagnl_msg_get_state(msg.get()));
    entry.local_addr = format_address(family, nl_addr_get_binary_addr(idiagnl_msg_get_src(msg.get())));
    entry.local_port = ntohs(idiagnl_msg_get_sport(msg.get()));
    entry.remote_addr = format_address(family, nl_addr_get_binary_addr(idiagnl_msg_get_dst(msg.get())));
    entry.remote_port = ntohs(idiagnl_msg_get_dport(msg.get()));
    entry.recv_q = idiagnl_msg_get_rqueue(msg.get());
    entry.send_q = idiagnl_msg_get_wqueue(msg.get());
    entry.inode = idiagnl_msg_get_inode(msg.get());
    return entry;
}

// What one dump's callbacks share with the code that waits for it; nothing may be thrown through libnl's C frames.
struct Dump {
    std::string_view protocol;
    std::vector<SocketEntry>* out = nullptr;
    std::exception_ptr failure;
    int kernel_errno = 0;
};

int on_socket(nl_msg* msg, void* arg) {
    auto* dump = static_cast<Dump*>(arg);
    try {
        dump->out->push_back(decode(dump->protocol, nlmsg_hdr(msg)));
    } catch (...) {
        dump->failure = std::current_exception();
        return NL_STOP;
    }
    return NL_OK;
}

int on_error(sockaddr_nl*, nlmsgerr* error, void* arg) {
    static_cast<Dump*>(arg)->kernel_errno = -error->error;
    return NL_STOP;
}

// Appends every socket of one protocol and family to out.
void dump_sockets(nl_sock* sock, int protocol, int family, std::vector<SocketEntry>& out) {
    Dump dump;
    dump.protocol = protocol == IPPROTO_TCP ? "tcp" : "udp";
    dump.out = &out;
    const std::string what = "sock_diag: dump " + std::string(dump.protocol) + (family == AF_INET ? "/ipv4" : "/ipv6");

    inet_diag_req_v2 request{};
    request.sdiag_family = static_cast<std::uint8_t>(family);
    request.sdiag_protocol = static_cast<std::uint8_t>(protocol);
    request.idiag_states = ~0U;  // TCPF_NEW_SYN_RECV lists request sockets, TCPF_BOUND_INACTIVE bound-only ones

    nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, on_socket, &dump);
    nl_socket_modify_err_cb(sock, NL_CB_CUSTOM, on_error, &dump);

    errno = 0;
    if (int err = nl_send_simple(sock, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &request, sizeof(request)); err < 0)
        throw_libnl(what + ": send", err, errno);
    errno = 0;
    int err = nl_recvmsgs_default(sock);
    int saved_errno = errno;
    if (dump.failure) std::rethrow_exception(dump.failure);
    if (dump.kernel_errno == ENOENT)
        sys::throw_kernel_error(what + ": the kernel has no " + std::string(dump.protocol) + "_diag (load the module)", ENOENT);
    if (dump.kernel_errno != 0) sys::throw_kernel_error(what + ": refused by the kernel", dump.kernel_errno);
    if (err < 0) throw_libnl(what + ": receive", err, saved_errno);
}

}  // namespace

std::string state_name(unsigned kernel_state) {
    // Indexed by the kernel's numbers, include/net/tcp_states.h; UDP borrows them.
    static constexpr std::array<std::string_view, 14> kNames = {
        "",           "established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait",
        "close",      "close-wait",  "last-ack", "listen",   "closing",
        "syn-recv",  // NEW_SYN_RECV: a request socket, which is what SYN-RECV has meant to users all along
        "bound-inactive",
    };
    if (kernel_state == 0 || kernel_state >= kNames.size()) return "state-" + std::to_string(kernel_state);
    return std::string(kNames[kernel_state]);
}

SocketEntry decode_sock_diag_message(std::string_view protocol, std::span<const std::byte> message) {
    if (message.size() < NLMSG_LENGTH(sizeof(inet_diag_msg)))
        throw std::invalid_argument("sock_diag: message of " + std::to_string(message.size()) +
                                    " bytes is too short for an inet_diag_msg");
    // Copied so that the header is aligned and libnl, which wants it mutable, may have it.
    std::vector<std::byte> copy(message.begin(), message.end());
    auto* header = reinterpret_cast<nlmsghdr*>(copy.data());
    if (header->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg)) || header->nlmsg_len > copy.size())
        throw std::invalid_argument("sock_diag: nlmsg_len " + std::to_string(header->nlmsg_len) + " does not fit a " +
                                    std::to_string(copy.size()) + "-byte inet_diag message");
    return decode(protocol, header);
}

std::vector<SocketEntry> snapshot_sockets() {
    NlSock sock(nl_socket_alloc());
    if (!sock) sys::throw_kernel_error("sock_diag: allocate a netlink socket", ENOMEM);
    errno = 0;
    // The socket joins the calling thread's namespace here, which is what makes the snapshot per namespace.
    if (int err = idiagnl_connect(sock.get()); err < 0) throw_libnl("sock_diag: connect NETLINK_SOCK_DIAG", err, errno);
    nl_socket_disable_auto_ack(sock.get());  // a dump ends with NLMSG_DONE; an ack would only be noise

    std::vector<SocketEntry> out;
    for (int protocol : {IPPROTO_TCP, IPPROTO_UDP})
        for (int family : {AF_INET, AF_INET6}) dump_sockets(sock.get(), protocol, family, out);
    return out;
}

}  // namespace lab::runner
