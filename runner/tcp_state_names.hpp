#pragma once
// Every TCP state a scenario may name, as sock_diag reports them (lower case, as ss shows them): what the
// parser accepts in a `sockets` selection, and the states a sampled series holds a value (0 at least) for.
#include <string_view>

namespace lab::runner {

inline constexpr std::string_view kTcpStateNames[] = {"established", "syn-sent",   "syn-recv", "fin-wait-1",
                                                      "fin-wait-2",  "time-wait",  "close",    "close-wait",
                                                      "last-ack",    "listen",     "closing"};

}  // namespace lab::runner
