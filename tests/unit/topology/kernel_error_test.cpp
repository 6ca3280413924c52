// Kernel failures read on their own: operation, object, errno text and name.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "runner/address.hpp"
#include "runner/netlink_socket.hpp"

namespace {

using lab::runner::describe_errno;
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

TEST(LabAddress, OnlyTheBenchmarkingRange) {
    EXPECT_TRUE(lab::runner::is_lab_address(0xC6120000u));  // 198.18.0.0
    EXPECT_TRUE(lab::runner::is_lab_address(0xC613FFFFu));  // 198.19.255.255
    EXPECT_FALSE(lab::runner::is_lab_address(0xC611FFFFu)); // 198.17.255.255
    EXPECT_FALSE(lab::runner::is_lab_address(0xC6140000u)); // 198.20.0.0
    EXPECT_FALSE(lab::runner::is_lab_address(0x0A000001u)); // 10.0.0.1
}

}  // namespace
