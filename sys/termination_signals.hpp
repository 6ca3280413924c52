#pragma once
// SIGTERM and SIGINT as readable events in the epoll loop (signalfd), so that a stop request ends
// the run between two ops, with its summary written, rather than in the middle of writing a line.
// Also ignores SIGPIPE: a peer's reset must show up as an EPIPE event, never kill the agent.
#include "sys/unique_fd.hpp"

namespace lab::sys {

class TerminationSignals {
public:
    TerminationSignals();
    ~TerminationSignals();
    TerminationSignals(const TerminationSignals&) = delete;
    TerminationSignals& operator=(const TerminationSignals&) = delete;

    int fd() const { return fd_.get(); }

    // The pending signal's number, or 0 if none was pending.
    int take();

private:
    UniqueFd fd_;
};

}  // namespace lab::sys
