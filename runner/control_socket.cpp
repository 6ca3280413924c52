#include "runner/control_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "runner/run_state.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {
namespace {

constexpr const char* kCommands = "status, count, stop PROCESS[.COPY] [N], start PROCESS[.COPY] N";

std::string socket_name(const std::string& run_id) { return run_id + ".sock"; }

// Through the directory's descriptor, so the socket is made in the directory lab opened and checked,
// whatever happens to the path meanwhile. /proc/self/fd/N/NAME always fits sun_path.
sockaddr_un address_in(const sys::Directory& dir, const std::string& name) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = fmt::format("/proc/self/fd/{}/{}", dir.fd(), name);
    if (path.size() >= sizeof addr.sun_path) throw std::invalid_argument("control socket name too long: " + name);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Waits up to `ms` for fd to become readable; false when it did not.
bool readable_within(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    int n;
    do n = ::poll(&p, 1, ms);
    while (n < 0 && errno == EINTR);
    return n > 0;
}

}  // namespace

std::variant<ControlCommand, std::string> parse_control_command(std::string_view request) {
    request = trimmed(request);
    const auto space = request.find(' ');
    const std::string_view verb = request.substr(0, space);
    const std::string_view rest = space == std::string_view::npos ? std::string_view{} : trimmed(request.substr(space));
    ControlCommand c;
    if (verb.empty() || verb == "status") c.kind = ControlCommand::Kind::Status;
    else if (verb == "count") c.kind = ControlCommand::Kind::Count;
    else if (verb == "stop") c.kind = ControlCommand::Kind::Stop;
    else if (verb == "start") c.kind = ControlCommand::Kind::Start;
    else return fmt::format("unknown request '{}' (known: {})", verb, kCommands);
    if (c.kind == ControlCommand::Kind::Stop || c.kind == ControlCommand::Kind::Start) {
        const auto space_at = rest.find(' ');
        c.process = rest.substr(0, space_at);
        const std::string_view count = space_at == std::string_view::npos ? std::string_view{} : trimmed(rest.substr(space_at));
        const bool start = c.kind == ControlCommand::Kind::Start;
        if (c.process.empty() || count.find(' ') != std::string_view::npos || (start && count.empty()))
            return std::string(start ? "start takes a process name and a count of connections: start client1 1000"
                                     : "stop takes a process name, and a count to close that many of its connections "
                                       "instead: stop client1, stop client1 500");
        if (!count.empty()) {
            int n = 0;
            const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
            if (ec != std::errc() || end != count.data() + count.size() || n < 1)
                return fmt::format("{}: '{}' is not a count of connections (a whole number, at least 1)", verb, count);
            c.connections = n;
        }
        // Process names hold no dot, so "client1.2" can only mean copy 2 of client1.
        if (const auto dot = c.process.rfind('.'); dot != std::string::npos) {
            const std::string_view copy = std::string_view(c.process).substr(dot + 1);
            int k = -1;
            const auto [end, ec] = std::from_chars(copy.data(), copy.data() + copy.size(), k);
            if (copy.empty() || ec != std::errc() || end != copy.data() + copy.size() || k < 0)
                return fmt::format("{}: '{}' is not PROCESS.COPY with COPY a copy's number (0, 1, ...)", verb, c.process);
            if (!c.connections)
                return fmt::format("stop {} without a count: a program's copies are stopped together (stop {})",
                                   c.process, c.process.substr(0, dot));
            c.copy = k;
            c.process.resize(dot);
        }
    } else if (!rest.empty()) {
        return fmt::format("{} takes no argument", verb);
    }
    return c;
}

std::string control_socket_path(const std::string& run_id) {
    return fmt::format("{}/ctl/{}", kRunStateDir, socket_name(run_id));
}

ControlSocket ControlSocket::open(const std::string& run_id) {
    sys::Directory dir = control_socket_directory();
    const std::string name = socket_name(run_id);
    const std::string what = fmt::format("control socket {}", control_socket_path(run_id));
    sys::UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) sys::throw_kernel_error(what + ": socket", errno);
    // The id is ours (its run marker was claimed with O_EXCL): a file by that name is a crashed run's.
    if (::unlinkat(dir.fd(), name.c_str(), 0) != 0 && errno != ENOENT) sys::throw_kernel_error(what + ": remove stale", errno);
    const sockaddr_un addr = address_in(dir, name);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
        sys::throw_kernel_error(what + ": bind", errno);
    ControlSocket socket(std::move(dir), name, std::move(fd));  // from here on the destructor removes the file
    if (::fchmodat(socket.dir_.fd(), name.c_str(), 0600, 0) != 0) sys::throw_kernel_error(what + ": chmod 0600", errno);
    if (::listen(socket.fd_.get(), 16) != 0) sys::throw_kernel_error(what + ": listen", errno);
    return socket;
}

ControlSocket::~ControlSocket() {
    if (fd_.get() >= 0) ::unlinkat(dir_.fd(), name_.c_str(), 0);
}

std::string ControlSocket::path() const { return (dir_.path() / name_).string(); }

void ControlSocket::serve(const std::function<std::string(std::string_view request)>& answer) const {
    for (;;) {
        sys::UniqueFd peer(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (peer.get() < 0) return;  // EAGAIN: nobody waiting (or a peer that already left)
        ucred cred{};
        socklen_t len = sizeof cred;
        std::string reply;
        if (::getsockopt(peer.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != 0) {
            reply = "error: only root may control a run";
        } else if (!readable_within(peer.get(), 100)) {
            continue;
        } else {
            std::string request(kControlMessageMax, '\0');
            const ssize_t n = ::recv(peer.get(), request.data(), request.size(), 0);
            if (n < 0) continue;
            request.resize(static_cast<std::size_t>(n));
            reply = answer(request);
        }
        if (reply.size() > kControlMessageMax) reply.resize(kControlMessageMax);
        (void)::send(peer.get(), reply.data(), reply.size(), MSG_NOSIGNAL);
    }
}

std::string send_control_request(const std::string& run_id, std::string_view request, std::chrono::milliseconds timeout) {
    const std::string path = control_socket_path(run_id);
    sys::UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
        throw std::system_error(errno, std::generic_category(), "connect to " + path);
    if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) < 0)
        throw std::system_error(errno, std::generic_category(), "send to " + path);
    if (!readable_within(fd.get(), static_cast<int>(timeout.count())))
        throw std::runtime_error(fmt::format("run {} did not answer within {} ms ({})", run_id, timeout.count(), path));
    std::string reply(kControlMessageMax, '\0');
    const ssize_t n = ::recv(fd.get(), reply.data(), reply.size(), 0);
    if (n < 0) throw std::system_error(errno, std::generic_category(), "receive from " + path);
    reply.resize(static_cast<std::size_t>(n));
    return reply;
}

}  // namespace lab::runner
