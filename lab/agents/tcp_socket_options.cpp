#include "lab/agents/tcp_socket_options.hpp"

#include <cerrno>
#include <chrono>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace lab::agent {
namespace {

OptionFailure set_int(int fd, int level, int name, int value, const char* option) {
    if (::setsockopt(fd, level, name, &value, sizeof value) != 0) return OptionFailure{errno, option};
    return {};
}

int whole_seconds(Duration d) { return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(d).count()); }

}  // namespace

OptionFailure apply_socket_option(int fd, const Op& op) {
    if (op.kind == OpKind::Keepalive) {
        for (auto result : {set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, whole_seconds(op.keepalive.idle), "TCP_KEEPIDLE"),
                            set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, whole_seconds(op.keepalive.interval), "TCP_KEEPINTVL"),
                            set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, op.keepalive.count, "TCP_KEEPCNT"),
                            set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE")})
            if (result.error != 0) return result;
        return {};
    }
    if (op.kind == OpKind::UserTimeout) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(op.length).count();
        return set_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, static_cast<int>(ms), "TCP_USER_TIMEOUT");
    }
    return OptionFailure{EINVAL, "?"};
}

}  // namespace lab::agent
