// Kernel failures read on their own: operation, object, errno text and name.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "runner/address.hpp"
#include "runner/netlink_socket.hpp"

namespace {

using lab::runner::describe_errno;
using lab::runner::errno_of_libnl_failure;
using lab::runner::KernelError;

TEST(KernelError, NamesTheErrnoInWordsAndBySymbol) {
    EXPECT_EQ(describe_errno(EEXIST), "File exists (EEXIST)");
    EXPECT_EQ(describe_errno(ENOTCONN), "Transport endpoint is not connected (ENOTCONN)");
}

TEST(KernelError, MessageStartsWithTheOperationAndKeepsTheCode) {
    KernelError e("create veth eth0 in netns lab-3f2a-a", EEXIST);
    EXPECT_STREQ(e.what(), "create veth eth0 in netns lab-3f2a-a: File exists (EEXIST)");
    EXPECT_EQ(e.error_code(), EEXIST);
}

TEST(KernelError, DetailFollowsTheErrno) {
    KernelError e("write sysctl net.x.y=1 in netns n", ENOENT, "not per-namespace");
    EXPECT_STREQ(e.what(), "write sysctl net.x.y=1 in netns n: No such file or directory (ENOENT); not per-namespace");
}

// Out of descriptors, nl_connect returns NLE_FAILURE ("Unspecific failure") and leaves EMFILE in errno:
// the message used to be "libnl: Unspecific failure".
TEST(KernelError, TheErrnoBehindALibnlFailureIsKept) {
    // libnl's codes as netlink/errno.h has them (its headers are the runner's private business).
    constexpr int kNleFailure = 1, kNleNomem = 5;
    EXPECT_EQ(errno_of_libnl_failure(-kNleFailure, EMFILE), EMFILE);
    EXPECT_EQ(errno_of_libnl_failure(-kNleFailure, ENFILE), ENFILE);
    EXPECT_EQ(errno_of_libnl_failure(-kNleNomem, 0), ENOMEM);  // libnl's own code, no system call
    EXPECT_EQ(errno_of_libnl_failure(-kNleFailure, 0), 0);     // nothing to go on: the caller says "libnl: ..."
}

TEST(KernelError, OutOfDescriptorsSaysSo) {
    EXPECT_STREQ(KernelError("open rtnetlink socket in netns lab-3f2a-h14", EMFILE).what(),
                 "open rtnetlink socket in netns lab-3f2a-h14: Too many open files (EMFILE)");
    EXPECT_STREQ(KernelError("create netns lab-3f2a-h1", ENFILE).what(),
                 "create netns lab-3f2a-h1: Too many open files in system (ENFILE)");
}

TEST(LabAddress, OnlyTheBenchmarkingRange) {
    EXPECT_TRUE(lab::runner::is_lab_address(0xC6120000u));  // 198.18.0.0
    EXPECT_TRUE(lab::runner::is_lab_address(0xC613FFFFu));  // 198.19.255.255
    EXPECT_FALSE(lab::runner::is_lab_address(0xC611FFFFu)); // 198.17.255.255
    EXPECT_FALSE(lab::runner::is_lab_address(0xC6140000u)); // 198.20.0.0
    EXPECT_FALSE(lab::runner::is_lab_address(0x0A000001u)); // 10.0.0.1
}

}  // namespace
