// Kernel failures read on their own: operation, object, errno text and name.
#include "sys/kernel_error.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

namespace {

using lab::sys::describe_errno;
using lab::sys::KernelError;

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

TEST(KernelError, OutOfDescriptorsSaysSo) {
    EXPECT_STREQ(KernelError("open rtnetlink socket in netns lab-3f2a-h14", EMFILE).what(),
                 "open rtnetlink socket in netns lab-3f2a-h14: Too many open files (EMFILE)");
    EXPECT_STREQ(KernelError("create netns lab-3f2a-h1", ENFILE).what(),
                 "create netns lab-3f2a-h1: Too many open files in system (ENFILE)");
}

}  // namespace
