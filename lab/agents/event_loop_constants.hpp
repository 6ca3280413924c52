#pragma once
// What every agent's epoll loop agrees on: the key its signalfd is registered under (sockets are keyed by
// their fd, so the largest value can never be one; fixed keys of a loop count down from it), and the size
// of one read or write.
#include <cstddef>
#include <cstdint>
#include <limits>

namespace lab::agent {

inline constexpr std::uint64_t signal_key = std::numeric_limits<std::uint64_t>::max();
inline constexpr std::size_t io_chunk = 64 * 1024;

}  // namespace lab::agent
