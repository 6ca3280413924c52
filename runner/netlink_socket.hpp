#pragma once
// The owner of rtnetlink sockets.
// A route socket answers for the network namespace it was opened in, whichever thread uses it
// later, so the topology opens one per namespace, once, on a thread that joined it.
#include <memory>
#include <string>

struct nl_sock;

namespace lab::runner {

class Netns;

// The errno behind a failed libnl call (`libnl_result`, negative), given the errno the call left: that
// one when there is one, since libnl folds many errnos, EMFILE and ENFILE among them, into NLE_FAILURE
// ("Unspecific failure"); else the errno libnl's own code stands for; 0 when it stands for none.
int errno_of_libnl_failure(int libnl_result, int errno_after);

// One request at a time: a request and the check() of its result must not interleave with
// another thread's, since the kernel's verdict is kept on the socket in between.
class NetlinkSocket {
 public:
    static NetlinkSocket open_in(const Netns& ns);
    // As open_in(), from a thread that is inside ns already (no thread of its own).
    static NetlinkSocket open_from_inside(const Netns& ns);

    NetlinkSocket(NetlinkSocket&&) noexcept;
    NetlinkSocket& operator=(NetlinkSocket&&) noexcept;
    ~NetlinkSocket();

    const std::string& netns_name() const;
    // For the files that speak rtnetlink through libnl; every call on it is followed by check().
    nl_sock* get() const;

    // libnl folds many errnos into one of its own codes (ENOTCONN becomes "Unspecific failure"),
    // so the socket keeps the kernel's errno and extended-ack text of the last failed request,
    // and this turns a libnl return code into a sys::KernelError built from them.
    void check(int rc, const std::string& what);

 private:
    struct State;
    explicit NetlinkSocket(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace lab::runner
