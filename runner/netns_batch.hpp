#pragma once
// Many namespaces at once. Creating a network namespace is mostly kernel work (sysctl tables,
// per-namespace protocol state) plus, the way Netns::create does it, a thread of its own; removing
// one waits for an RCU grace period in umount. For a thousand hosts both dominate a topology's
// build and teardown, so here a few threads each create (or remove) many namespaces in turn,
// side by side, and each namespace is prepared by the thread that created it, from inside it.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "runner/netlink_socket.hpp"
#include "runner/netns.hpp"

namespace lab::runner {

struct PreparedNetns {
    Netns netns;
    NetlinkSocket sock;  // an rtnetlink socket in netns
};

// What to do in a namespace right after creating it: index into the names, the namespace, and a
// socket in it. Runs on the creating thread, inside the namespace, so /proc/sys/net is its own.
using NetnsPreparation = std::function<void(std::size_t index, const Netns& ns, NetlinkSocket& sock)>;

// How many threads to create `jobs` namespaces with: one per CPU, at least one, at most `jobs`.
// More would not help: creation is CPU work in the kernel (1000 namespaces on 2 CPUs: 1 thread
// 1478 ms, 2 threads 1381, 4 threads 1658).
unsigned netns_batch_threads(std::size_t jobs);

// Creates a namespace for each of `names` and prepares it; the result is in the order of `names`.
// On any failure every namespace made so far is removed, the other threads stop at their next
// namespace, and the failure of the lowest index is rethrown as it was thrown.
std::vector<PreparedNetns> create_netns_batch(const std::vector<std::string>& names,
                                              const NetnsPreparation& prepare);

// Removes the namespaces (Netns's destructor: unmount and unlink) on kNetnsRemovalThreads threads
// (fewer for fewer namespaces); `namespaces` is left empty. Never throws: a thread that cannot be
// started has its share removed by this one. More threads than CPUs, since each umount mostly
// waits for an RCU grace period, and those waits overlap: at 1000 namespaces on 2 CPUs, 1 thread
// took 717 ms, 2 took 765, 4 took 472, 8 took 345.
inline constexpr unsigned kNetnsRemovalThreads = 8;
void remove_netns_batch(std::vector<Netns>& namespaces) noexcept;

}  // namespace lab::runner
