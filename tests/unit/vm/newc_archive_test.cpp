// The cpio writer, checked field by field against the newc layout the kernel's initramfs unpacker reads.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "lab/vm/newc_archive.hpp"

namespace {

struct Entry {
    std::string name;
    unsigned long mode = 0;
    unsigned long rdev_major = 0;
    unsigned long rdev_minor = 0;
    std::string data;
};

unsigned long field(const std::string& a, std::size_t header, int index) {
    return std::stoul(a.substr(header + 6 + std::size_t(index) * 8, 8), nullptr, 16);
}

std::size_t align4(std::size_t n) { return (n + 3) & ~std::size_t(3); }

// A reader written from the format description: magic, 13 hex fields, name, pad, data, pad.
std::vector<Entry> read_back(const std::string& a) {
    std::vector<Entry> out;
    std::size_t pos = 0;
    while (pos < a.size()) {
        EXPECT_EQ(pos % 4, 0u);
        EXPECT_EQ(a.substr(pos, 6), "070701");
        Entry e;
        e.mode = field(a, pos, 1);
        std::size_t size = field(a, pos, 6);
        e.rdev_major = field(a, pos, 9);
        e.rdev_minor = field(a, pos, 10);
        std::size_t name_size = field(a, pos, 11);
        e.name = a.substr(pos + 110, name_size - 1);
        EXPECT_EQ(a[pos + 110 + name_size - 1], '\0');
        std::size_t data = align4(pos + 110 + name_size);
        e.data = a.substr(data, size);
        pos = align4(data + size);
        out.push_back(e);
        if (e.name == "TRAILER!!!") break;
    }
    EXPECT_EQ(pos, a.size());
    return out;
}

TEST(NewcArchive, EntriesReadBackWithTypeModeAndContents) {
    lab::vm::NewcArchive a;
    a.add_directory("bin");
    a.add_file("bin/busybox", std::string("\x7f" "ELF\0xyz", 8), 0755);
    a.add_symlink("bin/sh", "busybox");
    a.add_char_device("dev/console", 5, 1);
    a.add_file("init", "#!/bin/busybox sh\n", 0755);
    EXPECT_EQ(a.entries(), 5u);
    auto e = read_back(a.finish());
    ASSERT_EQ(e.size(), 6u);
    EXPECT_EQ(e[0].name, "bin");
    EXPECT_TRUE(S_ISDIR(e[0].mode));
    EXPECT_EQ(e[1].name, "bin/busybox");
    EXPECT_TRUE(S_ISREG(e[1].mode));
    EXPECT_EQ(e[1].mode & 07777, 0755u);
    EXPECT_EQ(e[1].data, std::string("\x7f" "ELF\0xyz", 8));  // binary data, NUL included
    EXPECT_TRUE(S_ISLNK(e[2].mode));
    EXPECT_EQ(e[2].data, "busybox");
    EXPECT_TRUE(S_ISCHR(e[3].mode));
    EXPECT_EQ(e[3].rdev_major, 5u);
    EXPECT_EQ(e[3].rdev_minor, 1u);
    EXPECT_EQ(e[4].data, "#!/bin/busybox sh\n");
    EXPECT_EQ(e[5].name, "TRAILER!!!");
}

TEST(NewcArchive, EveryNameLengthKeepsFourByteAlignment) {
    lab::vm::NewcArchive a;
    std::string name;
    for (int i = 1; i <= 9; ++i) {
        name += 'x';
        a.add_file(name, std::string(std::size_t(i), 'd'));
    }
    auto e = read_back(a.finish());
    ASSERT_EQ(e.size(), 10u);
    for (int i = 0; i < 9; ++i) EXPECT_EQ(e[std::size_t(i)].data.size(), std::size_t(i + 1));
}

TEST(NewcArchive, TheSameInputGivesTheSameBytes) {
    auto build = [] {
        lab::vm::NewcArchive a;
        a.add_directory("modules");
        a.add_file("modules/veth.ko", "abc");
        return a.finish();
    };
    EXPECT_EQ(build(), build());  // no time stamps, no host uids: reproducible
}

TEST(NewcArchive, AbsolutePathsAreRefused) {
    lab::vm::NewcArchive a;
    EXPECT_THROW(a.add_file("/init", "x"), std::invalid_argument);
    EXPECT_THROW(a.add_directory(""), std::invalid_argument);
}

}  // namespace
