#include "sys/invoker.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include <gtest/gtest.h>

namespace {

using lab::sys::Credentials;
using lab::sys::permits;

struct stat file(uid_t uid, gid_t gid, mode_t mode) {
    struct stat st {};
    st.st_uid = uid;
    st.st_gid = gid;
    st.st_mode = S_IFDIR | mode;
    return st;
}

Credentials user(uid_t uid, gid_t gid, std::vector<gid_t> groups = {}) {
    Credentials c;
    c.uid = uid;
    c.gid = gid;
    c.groups = std::move(groups);
    c.name = std::to_string(uid);
    return c;
}

TEST(Permits, OwnerBitsForTheOwnerOnlyEvenWhenOthersMayMore) {
    // As the kernel does: the owner class decides for the owner, whatever the group or others may.
    EXPECT_FALSE(permits(file(1001, 1001, 0077), user(1001, 1001), W_OK));
    EXPECT_TRUE(permits(file(1001, 1001, 0700), user(1001, 1001), R_OK | W_OK | X_OK));
    EXPECT_FALSE(permits(file(1001, 1001, 0500), user(1001, 1001), W_OK | X_OK));
}

TEST(Permits, GroupBitsForAMemberOfTheFilesGroup) {
    EXPECT_TRUE(permits(file(0, 50, 0770), user(1001, 1001, {1001, 50}), W_OK | X_OK));
    EXPECT_TRUE(permits(file(0, 1001, 0070), user(1001, 1001), W_OK));
    EXPECT_FALSE(permits(file(0, 50, 0707), user(1001, 1001, {1001, 50}), W_OK));
}

TEST(Permits, OtherBitsForEveryoneElseAndRootGetsNoOverride) {
    EXPECT_FALSE(permits(file(0, 0, 0755), user(1001, 1001), W_OK));  // a root-only directory
    EXPECT_TRUE(permits(file(0, 0, 0755), user(1001, 1001), R_OK | X_OK));
    EXPECT_TRUE(permits(file(0, 0, 01777), user(1001, 1001), W_OK | X_OK));  // /tmp
    EXPECT_FALSE(permits(file(1001, 1001, 0700), user(0, 0), R_OK));  // we judge bits, not root's powers
}

TEST(Credentials, ByNameAndByNumber) {
    const Credentials root = lab::sys::credentials_of("root");
    EXPECT_EQ(root.uid, 0u);
    EXPECT_EQ(root.gid, 0u);
    const Credentials by_number = lab::sys::credentials_of("0");
    EXPECT_EQ(by_number.name, "root");
    const Credentials unknown = lab::sys::credentials_of("4242123");  // a number needs no passwd entry
    EXPECT_EQ(unknown.uid, 4242123u);
    EXPECT_EQ(unknown.gid, 4242123u);
    EXPECT_THROW(lab::sys::credentials_of("no-such-user-for-lab-tests"), std::runtime_error);
}

TEST(SudoInvoker, OnlyAsRootAndOnlyForAUserOtherThanRoot) {
    const char* saved = std::getenv("SUDO_UID");
    const std::string keep = saved ? saved : "";
    ::setenv("SUDO_UID", "4242", 1);
    ::setenv("SUDO_GID", "4343", 1);
    const auto invoker = lab::sys::sudo_invoker();
    if (::geteuid() == 0) {
        ASSERT_TRUE(invoker.has_value());
        EXPECT_EQ(invoker->uid, 4242u);
        EXPECT_TRUE(lab::sys::trusted_owner(4242));
        EXPECT_FALSE(lab::sys::trusted_link_owner(4242)) << "under sudo the caller's symlinks are not followed";
    } else {
        EXPECT_FALSE(invoker.has_value()) << "SUDO_UID means nothing to a lab that is not root";
    }
    ::setenv("SUDO_UID", "0", 1);
    EXPECT_FALSE(lab::sys::sudo_invoker().has_value());
    ::setenv("SUDO_UID", "42x", 1);
    EXPECT_FALSE(lab::sys::sudo_invoker().has_value());
    ::unsetenv("SUDO_GID");
    if (saved) ::setenv("SUDO_UID", keep.c_str(), 1);
    else ::unsetenv("SUDO_UID");
}

}  // namespace
