#include "runner/netlink_socket.hpp"

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "runner/netns.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {
// What the kernel answered a request: its errno (0: acknowledged) and its extended-ack text. Outside the
// anonymous namespace because NetlinkSocket::State, a class of the header, holds one.
struct NetlinkAckVerdict {
    int err = 0;
    std::string says;
};

namespace {

// Only used when neither the kernel nor a system call left an errno (libnl failed on its own side,
// before or after the request): the inverse of nl_syserr2nlerr for the codes that have one.
int errno_from_libnl(int nle) {
    switch (nle) {
        case NLE_INTR: return EINTR;
        case NLE_BAD_SOCK: return EBADF;
        case NLE_AGAIN: return EAGAIN;
        case NLE_NOMEM: return ENOMEM;
        case NLE_EXIST: return EEXIST;
        case NLE_INVAL: return EINVAL;
        case NLE_RANGE: return ERANGE;
        case NLE_MSGSIZE: return EMSGSIZE;
        case NLE_OPNOTSUPP: return EOPNOTSUPP;
        case NLE_AF_NOSUPPORT: return EAFNOSUPPORT;
        case NLE_OBJ_NOTFOUND: return ENOENT;
        case NLE_NOADDR: return EADDRNOTAVAIL;
        case NLE_BUSY: return EBUSY;
        case NLE_NOACCESS: return EACCES;
        case NLE_PERM: return EPERM;
        case NLE_NODEV: return ENODEV;
        default: return 0;
    }
}

// The nlmsgerr sits right after its netlink header; extended-ack attributes follow the echoed
// request (only its header when the kernel capped the echo).
std::string extended_ack_message(const nlmsgerr* e) {
    const auto* hdr =
        reinterpret_cast<const nlmsghdr*>(reinterpret_cast<const char*>(e) - NLMSG_HDRLEN);
    if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
    std::size_t offset = sizeof(nlmsgerr);
    if (!(hdr->nlmsg_flags & NLM_F_CAPPED)) offset += e->msg.nlmsg_len - NLMSG_HDRLEN;
    offset = NLMSG_ALIGN(offset);
    const std::size_t payload = hdr->nlmsg_len - NLMSG_HDRLEN;
    if (offset >= payload) return {};
    auto* attrs = reinterpret_cast<nlattr*>(const_cast<char*>(reinterpret_cast<const char*>(e) + offset));
    nlattr* tb[NLMSGERR_ATTR_MAX + 1] = {};
    if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, static_cast<int>(payload - offset), nullptr) < 0)
        return {};
    if (!tb[NLMSGERR_ATTR_MSG]) return {};
    const char* text = static_cast<const char*>(nla_data(tb[NLMSGERR_ATTR_MSG]));
    return std::string(text, strnlen(text, static_cast<std::size_t>(nla_len(tb[NLMSGERR_ATTR_MSG]))));
}

int remember_kernel_error(sockaddr_nl*, nlmsgerr* e, void* arg) {
    auto* verdict = static_cast<NetlinkAckVerdict*>(arg);
    verdict->err = -e->error;
    verdict->says = extended_ack_message(e);
    // NL_STOP makes libnl return its own code for the errno; check() then prefers ours.
    return NL_STOP;
}

}  // namespace

int errno_of_libnl_failure(int libnl_result, int errno_after) {
    return errno_after != 0 ? errno_after : errno_from_libnl(-libnl_result);
}

struct NetlinkSocket::State {
    nl_sock* sock = nullptr;
    std::string netns_name;
    NetlinkAckVerdict verdict;

    ~State() {
        if (sock) nl_socket_free(sock);
    }
};

NetlinkSocket::NetlinkSocket(std::unique_ptr<State> state) : state_(std::move(state)) {}
NetlinkSocket::NetlinkSocket(NetlinkSocket&&) noexcept = default;
NetlinkSocket& NetlinkSocket::operator=(NetlinkSocket&&) noexcept = default;
NetlinkSocket::~NetlinkSocket() = default;

NetlinkSocket NetlinkSocket::open_in(const Netns& ns) {
    return run_in_netns(ns, [&] { return open_from_inside(ns); });
}

NetlinkSocket NetlinkSocket::open_from_inside(const Netns& ns) {
    auto state = std::make_unique<State>();
    state->netns_name = ns.name();
    const std::string what = fmt::format("open rtnetlink socket in netns {}", ns.name());
    state->sock = nl_socket_alloc();
    if (!state->sock) sys::throw_kernel_error(what, ENOMEM);
    errno = 0;
    if (int rc = nl_connect(state->sock, NETLINK_ROUTE); rc < 0) {
        int err = errno_of_libnl_failure(rc, errno);
        if (err == 0) throw std::runtime_error(fmt::format("{}: libnl: {}", what, nl_geterror(rc)));
        sys::throw_kernel_error(what, err);
    }
    // Best effort: kernels without extended acks still give the errno.
    int one = 1;
    setsockopt(nl_socket_get_fd(state->sock), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
    nl_cb* cb = nl_socket_get_cb(state->sock);
    nl_cb_err(cb, NL_CB_CUSTOM, remember_kernel_error, &state->verdict);
    nl_cb_put(cb);
    return NetlinkSocket(std::move(state));
}

const std::string& NetlinkSocket::netns_name() const { return state_->netns_name; }

nl_sock* NetlinkSocket::get() const { return state_->sock; }

void NetlinkSocket::check(int rc, const std::string& what) {
    NetlinkAckVerdict verdict = std::exchange(state_->verdict, {});
    if (rc >= 0) return;
    if (verdict.err > 0)
        throw sys::KernelError(what, verdict.err, verdict.says.empty() ? "" : "kernel says: " + verdict.says);
    if (int err = errno_from_libnl(-rc)) throw sys::KernelError(what, err);
    throw std::runtime_error(fmt::format("{}: libnl: {}", what, nl_geterror(rc)));
}

}  // namespace lab::runner
