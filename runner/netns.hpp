#pragma once
// Named network namespaces, made the way `ip netns add` makes them (a bind mount of the namespace
// on /run/netns/NAME), so that `ip netns exec NAME ...` and `lab clean` see ours like any other.
#include <sys/types.h>

#include <functional>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>

namespace lab::runner {

// Where iproute2 keeps the mounts that hold named namespaces alive.
inline constexpr std::string_view kNetnsRunDir = "/run/netns";

// Makes /run/netns exist and a shared mount, as iproute2 does before each namespace it adds.
// Remounting it with MS_REC walks every namespace mounted there, under the kernel's global mount
// lock: once per namespace, a thousand namespaces pay for it a million times.
void ensure_netns_run_dir();

// Why `name` cannot name a namespace under /run/netns, or nullopt when it can.
std::optional<std::string> check_netns_name(std::string_view name);

class Netns {
 public:
    // Fails with EEXIST rather than adopt a namespace somebody else owns.
    static Netns create(const std::string& name);
    // As create(), but on the calling thread, which it leaves inside the new namespace: only for
    // threads that do namespace work alone and end afterwards (netns_batch.hpp). One such thread
    // may create many in a row, each unshare() giving it the next namespace. The caller has
    // called ensure_netns_run_dir() first, once for all of them.
    static Netns create_from_this_thread(const std::string& name);

    Netns(Netns&& other) noexcept;
    Netns& operator=(Netns&& other) noexcept;
    Netns(const Netns&) = delete;
    Netns& operator=(const Netns&) = delete;
    ~Netns();

    const std::string& name() const { return name_; }
    // Read-only fd on the namespace, for setns(); it stays owned here.
    int fd() const { return fd_; }
    ino_t inode() const { return inode_; }

    // Gives the namespace up without removing it, the way a crash would: `lab clean` finds it.
    void release() noexcept;

 private:
    Netns() = default;
    void remove() noexcept;

    std::string name_;
    int fd_ = -1;
    ino_t inode_ = 0;
    bool mounted_ = false;
};

namespace detail {

void enter_netns(const Netns& ns);

// setns() and unshare() change the calling thread for good, so each such job gets a thread
// of its own that dies with the changed namespace.
template <class F>
auto run_on_fresh_thread(F&& fn) -> std::invoke_result_t<F&> {
    using Result = std::invoke_result_t<F&>;
    std::packaged_task<Result()> task([&fn]() -> Result { return std::invoke(fn); });
    std::future<Result> result = task.get_future();
    std::thread(std::move(task)).join();
    return result.get();
}

}  // namespace detail

// Runs fn on a fresh thread that joined ns; returns its result or rethrows its exception.
// Sockets and /proc/sys/net files opened by fn stay bound to ns after the thread is gone.
// On that thread /proc/net still shows the main thread's namespace: use /proc/thread-self/net.
template <class F>
auto run_in_netns(const Netns& ns, F&& fn) -> std::invoke_result_t<F&> {
    return detail::run_on_fresh_thread([&]() -> std::invoke_result_t<F&> {
        detail::enter_netns(ns);
        return std::invoke(fn);
    });
}

}  // namespace lab::runner
