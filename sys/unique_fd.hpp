#pragma once
// Sole owner of one file descriptor. The agents keep thousands of sockets; an fd that leaks on an
// error path would change the very kernel state a scenario observes, so every fd lives in one of these.
#include <cerrno>
#include <utility>

#include <unistd.h>

namespace lab::sys {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) {
            close_now();
            fd_ = other.release();
        }
        return *this;
    }
    ~UniqueFd() { close_now(); }

    int get() const noexcept { return fd_; }
    bool valid() const noexcept { return fd_ >= 0; }
    explicit operator bool() const noexcept { return valid(); }

    int release() noexcept { return std::exchange(fd_, -1); }

    // Returns 0 or the errno of close(): a "close" op reports it. The fd is gone either way
    // (Linux never leaves it open after close(), even on EINTR), so it is never retried.
    int close_now() noexcept {
        if (fd_ < 0) return 0;
        int rc = ::close(std::exchange(fd_, -1));
        return rc == 0 ? 0 : errno;
    }

private:
    int fd_ = -1;
};

}  // namespace lab::sys
