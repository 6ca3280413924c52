// Out of descriptors, nl_connect returns NLE_FAILURE ("Unspecific failure") and leaves EMFILE in errno:
// the message used to be "libnl: Unspecific failure".
#include <gtest/gtest.h>

#include <cerrno>

#include "runner/netlink_socket.hpp"

namespace {

TEST(LibnlErrno, TheErrnoBehindALibnlFailureIsKept) {
    using lab::runner::errno_of_libnl_failure;
    // libnl's codes as netlink/errno.h has them (its headers are the runner's private business).
    constexpr int kNleFailure = 1, kNleNomem = 5;
    EXPECT_EQ(errno_of_libnl_failure(-kNleFailure, EMFILE), EMFILE);
    EXPECT_EQ(errno_of_libnl_failure(-kNleFailure, ENFILE), ENFILE);
    EXPECT_EQ(errno_of_libnl_failure(-kNleNomem, 0), ENOMEM);  // libnl's own code, no system call
    EXPECT_EQ(errno_of_libnl_failure(-kNleFailure, 0), 0);     // nothing to go on: the caller says "libnl: ..."
}

}  // namespace
