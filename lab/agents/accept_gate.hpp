#pragma once
// The accept policy as a clock: when may the next accept() happen? Kept apart from the sockets so
// that its arithmetic is unit-tested, and shared by the inline loop and the acceptor threads
// (which lock it; the gate itself is not thread-safe).
#include <cstdint>
#include <optional>

#include "lab/agents/accept_policy.hpp"

namespace lab::agent {

class AcceptGate {
public:
    AcceptGate(const AcceptPolicy& policy, std::int64_t listening_since_ns);

    // The earliest time an accept may happen (<= now: at once); nullopt: never.
    std::optional<std::int64_t> next_allowed(std::int64_t now_ns) const;

    // Records one accept at now_ns (which must be allowed).
    void take(std::int64_t now_ns);

private:
    AcceptPolicy policy_;
    std::int64_t start_ns_;
    // Rate: when the next token is due. Tokens do not pile up while nobody connects: a rate-limited
    // server that was idle does not then accept a backlog of connections at once.
    std::int64_t next_token_ns_;
    // Burst: which period the tokens were last counted in, and how many are used in it.
    std::int64_t burst_period_ = -1;
    int burst_used_ = 0;
};

}  // namespace lab::agent
