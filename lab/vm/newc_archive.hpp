#pragma once
// A cpio archive in the "newc" format (magic 070701), the one format the kernel unpacks as an initramfs.
// Built in memory: an initramfs here is a few megabytes (busybox and a dozen modules), and a whole
// buffer is what the kernel wants anyway. No compression: the kernel accepts a plain archive, and
// skipping gzip saves more host time than the smaller file saves guest time.
#include <cstdint>
#include <string>
#include <string_view>

namespace lab::vm {

class NewcArchive {
public:
    // Paths are relative to the archive root, without a leading slash ("bin/busybox").
    // Parent directories must be added before their entries, as the kernel creates entries in order.
    void add_directory(std::string_view path, std::uint32_t mode = 0755);
    void add_file(std::string_view path, std::string_view contents, std::uint32_t mode = 0644);
    void add_symlink(std::string_view path, std::string_view target);
    // dev/console must exist before init runs: the kernel opens it as init's stdin/stdout/stderr.
    void add_char_device(std::string_view path, std::uint32_t major, std::uint32_t minor, std::uint32_t mode = 0600);

    // The archive with its TRAILER!!! entry; the builder can still be used afterwards.
    std::string finish() const;
    std::size_t entries() const { return next_inode_ - 1; }

private:
    void add_entry(std::string_view path, std::uint32_t mode_with_type, std::string_view data,
                   std::uint32_t rdev_major = 0, std::uint32_t rdev_minor = 0);

    std::string bytes_;
    std::uint32_t next_inode_ = 1;
};

}  // namespace lab::vm
