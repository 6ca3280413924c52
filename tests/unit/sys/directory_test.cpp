#include "sys/directory.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fs = std::filesystem;
using lab::sys::Directory;
using testing::HasSubstr;

namespace {

class DirectoryTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("lab-directory-test-" + std::to_string(::getpid()));
        fs::remove_all(root_);
        fs::create_directories(root_);
        ::chmod(root_.c_str(), 0755);
    }
    void TearDown() override { fs::remove_all(root_); }
    std::string slurp(const fs::path& p) {
        std::ifstream in(p);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    static mode_t mode_of(const fs::path& p) {
        struct stat st {};
        ::lstat(p.c_str(), &st);
        return st.st_mode & 07777;
    }
    fs::path root_;
};

TEST_F(DirectoryTest, CreatesMissingComponentsWithTheirModeWhateverTheUmask) {
    const mode_t old = ::umask(0);
    Directory d = Directory::open_or_create(root_ / "a" / "b", 0750);
    ::umask(old);
    EXPECT_EQ(mode_of(root_ / "a"), 0750u);
    EXPECT_EQ(mode_of(root_ / "a" / "b"), 0750u);
    EXPECT_EQ(d.path(), root_ / "a" / "b");
}

TEST_F(DirectoryTest, NewFilesAreExclusiveAndKeepTheirModeUnderUmaskZero) {
    Directory d = Directory::open_or_create(root_);
    const mode_t old = ::umask(0);
    auto fd = d.create_file("x", 0640);
    ::umask(old);
    EXPECT_TRUE(fd.valid());
    EXPECT_EQ(mode_of(root_ / "x"), 0640u);
    EXPECT_THROW(d.create_file("x"), std::runtime_error);  // EEXIST: never reuses what is there
}

TEST_F(DirectoryTest, NothingIsCreatedThroughASymlink) {
    Directory d = Directory::open_or_create(root_);
    std::ofstream(root_ / "victim") << "precious";
    fs::create_symlink(root_ / "victim", root_ / "out");
    try {
        d.create_file("out");
        ADD_FAILURE() << "created a file through a symlink";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), HasSubstr("(EEXIST)"));
    }
    // write_file replaces the link itself, never what it points at.
    d.write_file("out", "new", 0644);
    EXPECT_EQ(slurp(root_ / "victim"), "precious");
    EXPECT_FALSE(fs::is_symlink(root_ / "out"));
    EXPECT_EQ(slurp(root_ / "out"), "new");
    EXPECT_EQ(d.read_file("out"), "new");
    fs::create_symlink(root_ / "victim", root_ / "link2");
    EXPECT_THROW(d.read_file("link2"), std::runtime_error);  // O_NOFOLLOW: not read through either
}

TEST_F(DirectoryTest, WritesFollowTheDirectoryWhenItIsRenamed) {
    Directory d = Directory::open_or_create(root_ / "run");
    fs::rename(root_ / "run", root_ / "moved");
    fs::create_directory(root_ / "run");
    d.write_file("record.json", "{}", 0644);
    EXPECT_TRUE(fs::exists(root_ / "moved" / "record.json"));
    EXPECT_FALSE(fs::exists(root_ / "run" / "record.json"));
}

TEST_F(DirectoryTest, WorldWritableWithoutStickyIsRefusedWithSticksIsFine) {
    fs::create_directory(root_ / "open");
    ::chmod((root_ / "open").c_str(), 0777);
    try {
        Directory::open_or_create(root_ / "open" / "runs");
        ADD_FAILURE() << "accepted a world-writable parent";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr((root_ / "open").string() + ": writable by every user without the sticky bit (mode 0777)"));
    }
    EXPECT_FALSE(fs::exists(root_ / "open" / "runs"));
    ::chmod((root_ / "open").c_str(), 01777);
    EXPECT_NO_THROW(Directory::open_or_create(root_ / "open" / "runs"));
}

TEST_F(DirectoryTest, GroupWritableIsRefusedToo) {
    struct stat st {};
    st.st_mode = S_IFDIR | 0775;
    st.st_uid = ::geteuid();
    EXPECT_THAT(lab::sys::untrusted_directory_reason(st).value_or(""), HasSubstr("writable by its group"));
    st.st_mode = S_IFDIR | 0755;
    EXPECT_FALSE(lab::sys::untrusted_directory_reason(st).has_value());
    st.st_uid = ::geteuid() + 12345;
    EXPECT_THAT(lab::sys::untrusted_directory_reason(st).value_or(""), HasSubstr("another user"));
}

TEST_F(DirectoryTest, ASymlinkOfOursOnTheWayIsFollowed) {
    fs::create_directory(root_ / "real");
    fs::create_directory_symlink("real", root_ / "alias");  // like /var/run → /run: owned by us, in our directory
    Directory d = Directory::open_or_create(root_ / "alias" / "runs");
    d.write_file("f", "x");
    EXPECT_TRUE(fs::exists(root_ / "real" / "runs" / "f"));
}

TEST_F(DirectoryTest, NamesMustBeSingleComponents) {
    Directory d = Directory::open_or_create(root_);
    EXPECT_THROW(d.create_file("../escape"), std::invalid_argument);
    EXPECT_THROW(d.create_subdirectory(".."), std::invalid_argument);
    EXPECT_THROW(d.write_file("", "x"), std::invalid_argument);
    EXPECT_FALSE(fs::exists(root_.parent_path() / "escape"));
}

TEST_F(DirectoryTest, RemoveTakesATreeWithoutFollowingSymlinks) {
    Directory d = Directory::open_or_create(root_);
    fs::create_directories(root_ / "outside");
    std::ofstream(root_ / "outside" / "keep") << "k";
    Directory t = d.create_subdirectory("tree");
    t.create_subdirectory("sub").write_file("f", "x");
    fs::create_directory_symlink(root_ / "outside", root_ / "tree" / "link");
    d.remove("tree");
    EXPECT_FALSE(fs::exists(root_ / "tree"));
    EXPECT_TRUE(fs::exists(root_ / "outside" / "keep"));
}

TEST_F(DirectoryTest, EntriesListsWhatIsThere) {
    Directory d = Directory::open_or_create(root_);
    d.write_file("a", "1");
    d.create_subdirectory("b");
    auto names = d.entries();
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(d.duplicate().entries().size(), 2u);  // a second listing through another descriptor sees the same
}

}  // namespace
