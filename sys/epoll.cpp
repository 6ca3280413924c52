#include "sys/epoll.hpp"

#include <cerrno>
#include <system_error>

namespace lab::sys {
namespace {

void control(int epfd, int op, int fd, std::uint32_t events, std::uint64_t key) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = key;
    if (epoll_ctl(epfd, op, fd, &ev) != 0) throw std::system_error(errno, std::generic_category(), "epoll_ctl");
}

}  // namespace

Epoll::Epoll() : fd_(epoll_create1(EPOLL_CLOEXEC)) {
    if (!fd_) throw std::system_error(errno, std::generic_category(), "epoll_create1");
}

void Epoll::add(int fd, std::uint32_t events, std::uint64_t key) { control(fd_.get(), EPOLL_CTL_ADD, fd, events, key); }

void Epoll::modify(int fd, std::uint32_t events, std::uint64_t key) {
    control(fd_.get(), EPOLL_CTL_MOD, fd, events, key);
}

void Epoll::remove(int fd) { control(fd_.get(), EPOLL_CTL_DEL, fd, 0, 0); }

int Epoll::wait(std::span<epoll_event> ready, std::optional<std::int64_t> timeout_ns) {
    const int capacity = static_cast<int>(ready.size());
    int n = -1;
    // epoll_pwait2 takes nanoseconds: sleep ops and timeouts then end when asked to, not up to a
    // millisecond late, which matters when many short ops chain up.
    if (have_pwait2_) {
        timespec ts{};
        if (timeout_ns) {
            ts.tv_sec = *timeout_ns / 1'000'000'000;
            ts.tv_nsec = *timeout_ns % 1'000'000'000;
        }
        n = epoll_pwait2(fd_.get(), ready.data(), capacity, timeout_ns ? &ts : nullptr, nullptr);
        if (n < 0 && errno == ENOSYS) have_pwait2_ = false;
    }
    if (!have_pwait2_) {
        int ms = -1;
        if (timeout_ns) {
            // Rounded up: waking early would only spin the loop once more before the timer is due.
            std::int64_t rounded = (*timeout_ns + 999'999) / 1'000'000;
            ms = rounded > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(rounded);
        }
        n = epoll_wait(fd_.get(), ready.data(), capacity, ms);
    }
    if (n < 0) {
        if (errno == EINTR) return 0;
        throw std::system_error(errno, std::generic_category(), "epoll_wait");
    }
    return n;
}

}  // namespace lab::sys
