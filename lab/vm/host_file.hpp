#pragma once
// Whole files of the host that `lab vm` reads back: apt's answers, qemu's logs, a kernel tree's module
// lists, busybox for the initramfs. Binary-safe.
#include <filesystem>
#include <string>

namespace lab::vm {

// Throws std::runtime_error naming the file and the errno.
std::string read_host_file(const std::filesystem::path& path);
// "" when the file cannot be opened: a log the program never got to write.
std::string read_host_file_if_any(const std::filesystem::path& path);

}  // namespace lab::vm
