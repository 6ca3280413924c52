#pragma once
// N threads accepting on one shared listener, as a thread-pool server does. They only accept: each
// accepted socket (or the errno of a failed accept) is handed to the main loop, which serves the
// connection and writes every event, so the event log and the connections stay single-threaded.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "lab/agents/accept_gate.hpp"
#include "sys/epoll.hpp"
#include "lab/agents/event_log.hpp"
#include "lab/agents/server_options.hpp"
#include "sys/unique_fd.hpp"

namespace lab::agent {

struct AcceptedConnection {
    sys::UniqueFd fd;  // invalid when the accept failed
    Event event;  // op "accept", with "acceptor": thread index; conn is left for the main loop
    std::string peer;
};

// A gate shared by threads: the mutex guards every call on the gate.
struct SharedGate {
    AcceptGate gate;
    std::mutex mutex;
};

class AcceptorThreads {
public:
    // With AcceptorWait::Block the listener is switched to blocking mode (accept() waits in the
    // kernel); with Epoll it stays non-blocking and each thread has its own epoll instance.
    AcceptorThreads(int listener, AcceptorWait wait, int count, SharedGate& gate);
    ~AcceptorThreads();
    AcceptorThreads(const AcceptorThreads&) = delete;
    AcceptorThreads& operator=(const AcceptorThreads&) = delete;

    // Readable (an eventfd) while handed-over connections wait in take().
    int ready_fd() const { return ready_.get(); }
    std::vector<AcceptedConnection> take();

    // Stops and joins every thread; the listener is left open. Blocked accept() calls are
    // interrupted with a signal, so the listener's queue is not disturbed (shutdown() would reset it).
    void stop();

private:
    void run(int index);
    bool wait_for_turn();
    bool pause(std::int64_t until_ns);
    void hand_over(AcceptedConnection accepted);

    int listener_;
    AcceptorWait wait_;
    SharedGate& gate_;
    sys::UniqueFd ready_;
    sys::UniqueFd stop_;  // eventfd, readable once stop() began: wakes sleeping and epoll-waiting threads
    std::mutex handoff_mutex_;
    std::vector<AcceptedConnection> handoff_;
    std::vector<sys::Epoll> epolls_;  // AcceptorWait::Epoll: one per thread, made here so a failure throws in main
    std::vector<std::thread> threads_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> exited_{0};
    bool stopped_ = false;
};

}  // namespace lab::agent
