#include "lab/vm/newc_archive.hpp"

#include <sys/stat.h>

#include <stdexcept>

#include <fmt/format.h>

namespace lab::vm {
namespace {

// Header and name are padded to 4 bytes together, and so is the data: the format's only alignment rule.
void pad_to_4(std::string& out) {
    while (out.size() % 4 != 0) out.push_back('\0');
}

struct EntryHeader {
    std::uint32_t inode = 0;
    std::uint32_t mode = 0;
    std::uint32_t nlink = 1;
    std::uint32_t rdev_major = 0;
    std::uint32_t rdev_minor = 0;
};

void append_header(std::string& out, const EntryHeader& h, std::size_t file_size, std::size_t name_size) {
    // 13 fields of 8 hex digits after the magic: ino mode uid gid nlink mtime filesize devmajor devminor
    // rdevmajor rdevminor namesize check. mtime 0 keeps the archive byte-for-byte reproducible.
    out += fmt::format("070701{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}", h.inode,
                       h.mode, 0, 0, h.nlink, 0, static_cast<std::uint32_t>(file_size), 0, 0, h.rdev_major,
                       h.rdev_minor, static_cast<std::uint32_t>(name_size), 0);
}

void append_entry(std::string& out, const EntryHeader& h, std::string_view name, std::string_view data) {
    append_header(out, h, data.size(), name.size() + 1);
    out.append(name);
    out.push_back('\0');
    pad_to_4(out);
    out.append(data);
    pad_to_4(out);
}

}  // namespace

void NewcArchive::add_entry(std::string_view path, std::uint32_t mode_with_type, std::string_view data,
                            std::uint32_t rdev_major, std::uint32_t rdev_minor) {
    if (path.empty() || path.front() == '/')
        throw std::invalid_argument(fmt::format("initramfs entry '{}': path must be relative and non-empty", path));
    if (data.size() > 0xFFFFFFFFu)
        throw std::invalid_argument(fmt::format("initramfs entry '{}': larger than 4 GiB", path));
    EntryHeader h{next_inode_++, mode_with_type, S_ISDIR(mode_with_type) ? 2u : 1u, rdev_major, rdev_minor};
    append_entry(bytes_, h, path, data);
}

void NewcArchive::add_directory(std::string_view path, std::uint32_t mode) {
    add_entry(path, S_IFDIR | (mode & 07777), {});
}

void NewcArchive::add_file(std::string_view path, std::string_view contents, std::uint32_t mode) {
    add_entry(path, S_IFREG | (mode & 07777), contents);
}

void NewcArchive::add_symlink(std::string_view path, std::string_view target) {
    add_entry(path, S_IFLNK | 0777, target);  // a symlink's data is its target, without a NUL
}

void NewcArchive::add_char_device(std::string_view path, std::uint32_t major, std::uint32_t minor, std::uint32_t mode) {
    add_entry(path, S_IFCHR | (mode & 07777), {}, major, minor);
}

std::string NewcArchive::finish() const {
    std::string out = bytes_;
    append_entry(out, EntryHeader{}, "TRAILER!!!", {});
    return out;
}

}  // namespace lab::vm
