#pragma once
// The one epoll instance each agent's single-threaded loop waits on. Failures here mean the
// process itself is broken (not a socket under test), so they throw instead of becoming events.
#include <cstdint>
#include <optional>
#include <span>

#include <sys/epoll.h>

#include "sys/unique_fd.hpp"

namespace lab::sys {

class Epoll {
public:
    Epoll();

    void add(int fd, std::uint32_t events, std::uint64_t key);
    void modify(int fd, std::uint32_t events, std::uint64_t key);
    void remove(int fd);

    // Waits at most timeout_ns (nullopt: forever); returns how many entries of `ready` were filled.
    // An interrupted wait returns 0: the caller re-checks its clocks anyway.
    int wait(std::span<epoll_event> ready, std::optional<std::int64_t> timeout_ns);

private:
    UniqueFd fd_;
    bool have_pwait2_ = true;
};

}  // namespace lab::sys
