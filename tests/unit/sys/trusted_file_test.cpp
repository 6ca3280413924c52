#include "sys/trusted_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sys/path_walk.hpp"

namespace fs = std::filesystem;
using lab::sys::read_trusted_file;
using lab::sys::require_trusted_executable;
using testing::HasSubstr;

namespace {

class TrustedFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("lab-trusted-file-test-" + std::to_string(::getpid()));
        fs::remove_all(root_);
        fs::create_directories(root_);
        ::chmod(root_.c_str(), 0755);
    }
    void TearDown() override { fs::remove_all(root_); }
    fs::path write(const std::string& name, const std::string& text, mode_t mode = 0644) {
        const fs::path p = root_ / name;
        std::ofstream(p) << text;
        ::chmod(p.c_str(), mode);
        return p;
    }
    std::string refusal(const fs::path& p) {
        try {
            read_trusted_file(p, 1 << 20);
        } catch (const std::exception& e) {
            return e.what();
        }
        return "";
    }
    fs::path root_;
};

TEST_F(TrustedFileTest, ReadsOurOwnFile) {
    EXPECT_EQ(read_trusted_file(write("s.toml", "[scenario]\n"), 1 << 20), "[scenario]\n");
}

TEST_F(TrustedFileTest, AFileOthersMayWriteIsRefusedWhateverItsOwner) {
    EXPECT_THAT(refusal(write("w.toml", "x", 0666)), HasSubstr("writable by every user (mode 0666)"));
    EXPECT_THAT(refusal(write("g.toml", "x", 0664)), HasSubstr("writable by its group (mode 0664)"));
}

TEST_F(TrustedFileTest, ADirectoryOthersMayWriteIsRefusedUnlessSticky) {
    fs::create_directory(root_ / "open");
    ::chmod((root_ / "open").c_str(), 0777);
    std::ofstream(root_ / "open" / "s.toml") << "x";
    ::chmod((root_ / "open" / "s.toml").c_str(), 0644);
    EXPECT_THAT(refusal(root_ / "open" / "s.toml"), HasSubstr("writable by every user without the sticky bit"));
    ::chmod((root_ / "open").c_str(), 01777);
    EXPECT_EQ(refusal(root_ / "open" / "s.toml"), "");
}

TEST_F(TrustedFileTest, SymlinksOfOursAreFollowedAndAFifoDoesNotHang) {
    write("real.toml", "y");
    fs::create_symlink("real.toml", root_ / "alias.toml");
    EXPECT_EQ(read_trusted_file(root_ / "alias.toml", 100), "y");
    ASSERT_EQ(::mkfifo((root_ / "fifo.toml").c_str(), 0644), 0);
    EXPECT_THAT(refusal(root_ / "fifo.toml"), HasSubstr("not a regular file"));
}

TEST_F(TrustedFileTest, ALargerFileThanAllowedIsRefused) {
    const fs::path p = write("big.toml", std::string(2000, 'x'));
    EXPECT_THROW(read_trusted_file(p, 1000), std::runtime_error);
    EXPECT_EQ(read_trusted_file(p, 2000).size(), 2000u);
}

TEST_F(TrustedFileTest, AnotherUsersFileOrDirectoryOrSymlinkIsRefused) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to give files away";
    const fs::path theirs = write("theirs.toml", "x");
    ASSERT_EQ(::chown(theirs.c_str(), 4242, 4242), 0);
    EXPECT_THAT(refusal(theirs), HasSubstr("owned by uid 4242 (another user)"));
    fs::create_directory(root_ / "their-dir");
    std::ofstream(root_ / "their-dir" / "s.toml") << "x";
    ASSERT_EQ(::chown((root_ / "their-dir").c_str(), 4242, 4242), 0);
    EXPECT_THAT(refusal(root_ / "their-dir" / "s.toml"), HasSubstr("their-dir: owned by uid 4242"));
    write("mine.toml", "x");
    fs::create_symlink("mine.toml", root_ / "their-link.toml");
    ASSERT_EQ(::lchown((root_ / "their-link.toml").c_str(), 4242, 4242), 0);
    EXPECT_THAT(refusal(root_ / "their-link.toml"), HasSubstr("a symlink owned by uid 4242"));
}

TEST_F(TrustedFileTest, AnExecutableNeedsAnExecuteBitAndTheRunningUsersPermission) {
    const fs::path tool = write("tool.sh", "#!/bin/sh\n", 0644);
    EXPECT_THROW(require_trusted_executable(tool, std::nullopt), std::runtime_error);
    ::chmod(tool.c_str(), 0755);
    EXPECT_NO_THROW(require_trusted_executable(tool, std::nullopt));
    ::chmod(tool.c_str(), 0700);
    lab::sys::Credentials other;
    other.uid = 4242;
    other.gid = 4242;
    other.groups = {4242};
    other.name = "4242";
    try {
        require_trusted_executable(tool, other);
        ADD_FAILURE() << "a 0700 file of ours is not executable by uid 4242";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), HasSubstr("uid 4242 (4242) may not execute it"));
    }
}

TEST_F(TrustedFileTest, ADirectoryThatIsNotFreshFromMkdirIsNotTakenAsOurs) {
    fs::create_directory(root_ / "fresh");
    lab::sys::UniqueFd fresh(::open((root_ / "fresh").c_str(), O_RDONLY | O_DIRECTORY));
    EXPECT_NO_THROW(lab::sys::require_freshly_made(fresh.get(), root_ / "fresh"));
    std::ofstream(root_ / "fresh" / "planted") << "x";
    EXPECT_THROW(lab::sys::require_freshly_made(fresh.get(), root_ / "fresh"), std::runtime_error);
    if (::geteuid() != 0) return;
    fs::create_directory(root_ / "swapped");
    ASSERT_EQ(::chown((root_ / "swapped").c_str(), 4242, 4242), 0);
    lab::sys::UniqueFd swapped(::open((root_ / "swapped").c_str(), O_RDONLY | O_DIRECTORY));
    try {
        lab::sys::require_freshly_made(swapped.get(), root_ / "swapped");
        ADD_FAILURE() << "took another user's directory for the one lab made";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), HasSubstr("now owned by uid 4242"));
    }
}

TEST_F(TrustedFileTest, TheSearchPathKeepsOnlyDirectoriesNobodyElseCanWrite) {
    fs::create_directory(root_ / "open");
    ::chmod((root_ / "open").c_str(), 0777);
    fs::create_directory(root_ / "bin");
    const std::string path = "/usr/bin::.:relative/bin:" + (root_ / "open").string() + ":" + (root_ / "bin").string() +
                             ":" + (root_ / "missing").string() + ":/bin";
    EXPECT_EQ(lab::sys::trusted_search_path(path), "/usr/bin:" + (root_ / "bin").string() + ":/bin");
    // A '..' after a symlink leads the kernel elsewhere than a lexical walk: such an entry is not kept.
    EXPECT_EQ(lab::sys::trusted_search_path((root_ / "bin" / ".." / "bin").string() + ":/usr/bin"), "/usr/bin");
}

TEST_F(TrustedFileTest, TheSearchPathLeavesOutTheSudoCallersDirectories) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a directory away";
    fs::create_directory(root_ / "caller-bin");
    ASSERT_EQ(::chown((root_ / "caller-bin").c_str(), 4242, 4242), 0);
    ::setenv("SUDO_UID", "4242", 1);
    const std::string kept = lab::sys::trusted_search_path((root_ / "caller-bin").string() + ":/usr/bin");
    ::unsetenv("SUDO_UID");
    EXPECT_EQ(kept, "/usr/bin") << "root's own lookups (gnuplot, sbatch) must not land in the caller's directory";
}

TEST_F(TrustedFileTest, AnExecutableIsRunByThePathThatWasChecked) {
    const fs::path tool = write("tool.sh", "#!/bin/sh\n", 0755);
    fs::create_symlink("tool.sh", root_ / "alias");
    EXPECT_EQ(require_trusted_executable(root_ / "alias", std::nullopt), tool.string());
    EXPECT_EQ(require_trusted_executable(root_ / "." / "alias", std::nullopt), tool.string());
}

}  // namespace
