#include "lab/agents/acceptor_threads.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "lab/agents/endpoint.hpp"
#include "sys/epoll.hpp"
#include "sys/monotonic_clock.hpp"

namespace lab::agent {
namespace {

// The signal that interrupts a blocked accept(). Its handler does nothing: installed without
// SA_RESTART, its only effect is accept() returning EINTR so the thread sees the stop flag.
constexpr int wake_signal = SIGUSR1;
constexpr std::int64_t emfile_pause_ns = 250'000'000;

void on_wake_signal(int) {}

void install_wake_handler() {
    struct sigaction action {};
    action.sa_handler = on_wake_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(wake_signal, &action, nullptr);
}

}  // namespace

AcceptorThreads::AcceptorThreads(int listener, AcceptorWait wait, int count, SharedGate& gate)
    : listener_(listener), wait_(wait), gate_(gate) {
    ready_ = sys::UniqueFd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    stop_ = sys::UniqueFd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!ready_ || !stop_) throw std::system_error(errno, std::generic_category(), "eventfd");
    install_wake_handler();
    if (wait_ == AcceptorWait::Block) {
        int flags = fcntl(listener_, F_GETFL);
        if (flags < 0 || fcntl(listener_, F_SETFL, flags & ~O_NONBLOCK) != 0)
            throw std::system_error(errno, std::generic_category(), "fcntl(listener)");
    }
    if (wait_ == AcceptorWait::Epoll) {
        for (int k = 0; k < count; ++k) {
            sys::Epoll& epoll = epolls_.emplace_back();
            epoll.add(listener_, EPOLLIN | EPOLLEXCLUSIVE, 0);
            epoll.add(stop_.get(), EPOLLIN, 1);
        }
    }
    for (int k = 0; k < count; ++k) threads_.emplace_back([this, k] { run(k); });
}

AcceptorThreads::~AcceptorThreads() { stop(); }

void AcceptorThreads::stop() {
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
    std::uint64_t one = 1;
    (void)!::write(stop_.get(), &one, sizeof one);
    // A thread may be just about to enter accept() when the signal lands, so keep signalling
    // until every one has left. (Signalling a thread that ended but is not joined yet is safe.)
    while (exited_ < static_cast<int>(threads_.size())) {
        for (auto& thread : threads_) pthread_kill(thread.native_handle(), wake_signal);
        pollfd none{};
        ::poll(&none, 0, 5);
    }
    for (auto& thread : threads_) thread.join();
    threads_.clear();
}

std::vector<AcceptedConnection> AcceptorThreads::take() {
    std::uint64_t n = 0;
    (void)!::read(ready_.get(), &n, sizeof n);
    std::lock_guard lock(handoff_mutex_);
    return std::exchange(handoff_, {});
}

void AcceptorThreads::hand_over(AcceptedConnection accepted) {
    {
        std::lock_guard lock(handoff_mutex_);
        handoff_.push_back(std::move(accepted));
    }
    std::uint64_t one = 1;
    (void)!::write(ready_.get(), &one, sizeof one);
}

// Sleeps until until_ns (forever when negative) or until stop(); false when stopping.
bool AcceptorThreads::pause(std::int64_t until_ns) {
    while (!stopping_) {
        pollfd stop{stop_.get(), POLLIN, 0};
        timespec ts{};
        timespec* timeout = nullptr;
        if (until_ns >= 0) {
            std::int64_t left = until_ns - sys::monotonic_ns();
            if (left <= 0) return true;
            ts = timespec{static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
            timeout = &ts;
        }
        ::ppoll(&stop, 1, timeout, nullptr);
    }
    return false;
}

// Takes the gate's next accept slot, sleeping until it comes; false when stopping.
bool AcceptorThreads::wait_for_turn() {
    while (!stopping_) {
        std::int64_t now = sys::monotonic_ns();
        std::optional<std::int64_t> next;
        {
            std::lock_guard lock(gate_.mutex);
            next = gate_.gate.next_allowed(now);
            if (next && *next <= now) {
                gate_.gate.take(now);
                return true;
            }
        }
        if (!pause(next ? *next : -1)) return false;
    }
    return false;
}

void AcceptorThreads::run(int index) {
    struct Exit {
        std::atomic<int>& exited;
        ~Exit() { ++exited; }
    } on_exit{exited_};
    sys::Epoll* epoll = wait_ == AcceptorWait::Epoll ? &epolls_[static_cast<std::size_t>(index)] : nullptr;
    while (wait_for_turn()) {
        // With the slot taken, wait for a connection (epoll) or block in accept().
        if (epoll) {
            epoll_event ready[2]{};
            int n = epoll->wait(ready, std::nullopt);
            bool listener_ready = false;
            for (int k = 0; k < n; ++k) listener_ready |= ready[k].data.u64 == 0;
            if (stopping_) return;
            if (!listener_ready) continue;
        }
        AcceptedConnection accepted;
        accepted.event.op = "accept";
        accepted.event.start_ns = sys::monotonic_ns();
        accepted.event.extra["acceptor"] = index;
        sockaddr_storage peer{};
        socklen_t peer_length = sizeof peer;
        accepted.fd = sys::UniqueFd(::accept4(listener_, reinterpret_cast<sockaddr*>(&peer), &peer_length,
                                         SOCK_NONBLOCK | SOCK_CLOEXEC));
        int err = accepted.fd ? 0 : errno;
        accepted.event.end_ns = sys::monotonic_ns();
        // An accept that succeeded just as stop() began is still handed over: closing it here would
        // send the peer a FIN that no mode asked for.
        if (err == EINTR || err == EAGAIN || err == EWOULDBLOCK || (err != 0 && stopping_)) continue;
        if (err != 0) {
            accepted.event.result = Result::Error;
            accepted.event.error = err;
            hand_over(std::move(accepted));
            // The listener stays readable: retrying at once would spin and flood the log.
            if (!pause(sys::monotonic_ns() + emfile_pause_ns)) return;
            continue;
        }
        accepted.peer = endpoint_text(reinterpret_cast<const sockaddr*>(&peer), peer_length);
        hand_over(std::move(accepted));
    }
}

}  // namespace lab::agent
