#include "sys/connect_gate.hpp"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "common/errno_name.hpp"
#include "sys/realtime_priority.hpp"

namespace lab::sys {
namespace {

#if defined(__x86_64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#else
#error "the connect gate knows the system call numbers of x86_64 and aarch64 only"
#endif

[[noreturn]] void throw_errno(const char* what) {
    const int e = errno;
    throw std::system_error(e, std::system_category(), fmt::format("connect gate: {} ({})", what, errno_name(e)));
}

// Lets a held call go on; ENOENT means the caller died or a signal took it out of the call meanwhile.
void let_go(int listener, std::uint64_t id) {
    seccomp_notif_resp resp{};
    resp.id = id;
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    ::ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

// Only the first packet towards a peer is held: a program's AF_UNIX or netlink traffic (the resolver
// asking nscd, syslog) goes on at once. A call on a descriptor we cannot inspect goes on too: it fails by
// itself, or it is not one a scenario is about.
bool on_ip_socket(pid_t caller, int fd) {
    // Through syscall(): glibc 2.36's <sys/pidfd.h> declares its wrappers without C linkage for C++.
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, caller, 0)));
    if (!pidfd) return false;
    UniqueFd copy(static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd.get(), fd, 0)));
    if (!copy) return false;
    int domain = 0;
    socklen_t len = sizeof domain;
    if (::getsockopt(copy.get(), SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0) return false;
    return domain == AF_INET || domain == AF_INET6;
}

// One byte and room for one SCM_RIGHTS descriptor: how the child hands its listener to the gate. On the
// stack, without allocating: the sending side runs in a vfork()ed child.
struct OneDescriptorMessage {
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    char byte = 'g';
    iovec iov{&byte, 1};
    msghdr msg{};
    OneDescriptorMessage() {
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
    }
    OneDescriptorMessage(const OneDescriptorMessage&) = delete;
    OneDescriptorMessage& operator=(const OneDescriptorMessage&) = delete;
};

}  // namespace

int install_connect_gate(int gate_socket) noexcept {
    // connect, sendto, sendmmsg and sendmsg (but the sendmsg below, on gate_socket) go to the listener;
    // every other call, and every call of another ABI, is allowed.
    const sock_filter code[] = {
        /* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kAuditArch, 0, 9),
        /* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        /* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendmsg, 0, 2),
        /* 4 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
        /* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(gate_socket), 5, 4),
        /* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_connect, 3, 0),
        /* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendto, 2, 0),
        /* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendmmsg, 1, 0),
        /* 9 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        /* 10 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        /* 11 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    const sock_fprog prog{static_cast<unsigned short>(sizeof code / sizeof code[0]), const_cast<sock_filter*>(code)};
    const int listener = static_cast<int>(::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog));
    if (listener < 0) return errno;

    OneDescriptorMessage m;
    msghdr& msg = m.msg;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &listener, sizeof listener);
    const int rc = ::sendmsg(gate_socket, &msg, MSG_NOSIGNAL) == 1 ? 0 : errno;
    ::close(listener);
    return rc;
}

ConnectGate::ConnectGate() {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) throw_errno("socketpair");
    child_end_ = UniqueFd(ends[0]);
    lab_end_ = UniqueFd(ends[1]);
    epoll_ = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_) throw_errno("epoll_create1");
    wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake_) throw_errno("eventfd");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = 0;  // no pid is 0
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &ev) != 0) throw_errno("epoll_ctl(eventfd)");
    answerer_ = std::thread([this] { answer_loop(); });
}

ConnectGate::~ConnectGate() {
    const std::uint64_t one = 1;
    (void)!::write(wake_.get(), &one, sizeof one);
    answerer_.join();
}

void ConnectGate::adopt(pid_t pid) {
    OneDescriptorMessage m;
    msghdr& msg = m.msg;
    if (::recvmsg(lab_end_.get(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) != 1) throw_errno("no listener from the started program");
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS) throw std::runtime_error("connect gate: the started program sent no listener");
    int fd = -1;
    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    auto g = std::make_unique<Gated>();
    g->listener = UniqueFd(fd);
    std::lock_guard lock(mutex_);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = static_cast<std::uint64_t>(pid);
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, g->listener.get(), &ev) != 0) throw_errno("epoll_ctl(listener)");
    gated_[pid] = std::move(g);
}

void ConnectGate::answer_loop() {
    epoll_event events[32];
    for (;;) {
        const int n = ::epoll_wait(epoll_.get(), events, 32, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        std::lock_guard lock(mutex_);
        for (int i = 0; i < n; ++i) {
            if (events[i].data.u64 == 0) return;
            const auto pid = static_cast<pid_t>(events[i].data.u64);
            auto it = gated_.find(pid);
            if (it == gated_.end()) continue;
            Gated& g = *it->second;
            if (events[i].events & EPOLLIN) on_notification(g);
            if ((events[i].events & (EPOLLHUP | EPOLLERR)) && !(events[i].events & EPOLLIN)) {
                // Every task under the filter is gone: level-triggered, so stop watching.
                ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, g.listener.get(), nullptr);
                g.gone = true;
            }
        }
        changed_.notify_all();
    }
}

void ConnectGate::on_notification(Gated& g) {
    seccomp_notif notif;
    std::memset(&notif, 0, sizeof notif);
    if (::ioctl(g.listener.get(), SECCOMP_IOCTL_NOTIF_RECV, &notif) != 0) return;  // the caller left the call
    if (g.released || !on_ip_socket(static_cast<pid_t>(notif.pid), static_cast<int>(notif.data.args[0]))) {
        let_go(g.listener.get(), notif.id);
        return;
    }
    // A held call that a signal interrupted comes again with a new id; letting go of the spent one is
    // harmless (ENOENT).
    g.held_calls.push_back(notif.id);
    if (!g.held_at) g.held_at = std::chrono::steady_clock::now();
}

std::vector<pid_t> ConnectGate::wait_until_held(std::span<const pid_t> pids, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    auto waiting = [&] {
        std::vector<pid_t> out;
        for (pid_t pid : pids) {
            auto it = gated_.find(pid);
            if (it != gated_.end() && it->second->held_calls.empty() && !it->second->gone) out.push_back(pid);
        }
        return out;
    };
    changed_.wait_until(lock, deadline, [&] { return waiting().empty(); });
    return waiting();
}

std::optional<std::chrono::steady_clock::time_point> ConnectGate::held_at(pid_t pid) const {
    std::lock_guard lock(mutex_);
    auto it = gated_.find(pid);
    return it == gated_.end() ? std::nullopt : it->second->held_at;
}

GateRelease ConnectGate::release(std::span<const pid_t> pids) {
    GateRelease out;
    const ScopedRealtimePriority ahead_of_the_woken;  // sys/realtime_priority.hpp says why
    std::lock_guard lock(mutex_);
    for (pid_t pid : pids) {
        auto it = gated_.find(pid);
        if (it == gated_.end()) continue;
        Gated& g = *it->second;
        g.released = true;
        for (std::uint64_t id : std::exchange(g.held_calls, {})) {
            let_go(g.listener.get(), id);
            const auto now = std::chrono::steady_clock::now();
            if (!out.first) out.first = now;
            out.last = now;
            ++out.released;
        }
    }
    return out;
}

}  // namespace lab::sys
