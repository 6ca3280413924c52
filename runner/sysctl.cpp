#include "runner/sysctl.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include <fmt/format.h>

#include "runner/netlink_socket.hpp"
#include "runner/netns.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {
namespace {

void require_valid(std::string_view key, std::string_view value) {
    if (auto problem = check_sysctl_key(key)) throw std::invalid_argument(*problem);
    if (auto problem = check_sysctl_value(key, value)) throw std::invalid_argument(*problem);
}

class FileCloser {
 public:
    explicit FileCloser(int fd) : fd_(fd) {}
    FileCloser(const FileCloser&) = delete;
    FileCloser& operator=(const FileCloser&) = delete;
    ~FileCloser() { ::close(fd_); }

 private:
    int fd_;
};

// ENOENT under /proc/sys/net means the namespace has no such file: either the key is
// misspelled or this kernel keeps that knob global, where we must not touch it.
[[noreturn]] void throw_sysctl_error(const std::string& what, int err) {
    if (err == ENOENT)
        throw sys::KernelError(what, err,
                          "no such sysctl inside a network namespace: misspelled, or not "
                          "per-namespace on this kernel");
    sys::throw_kernel_error(what, err);
}

}  // namespace

std::optional<std::string> check_sysctl_key(std::string_view key) {
    if (!key.starts_with("net."))
        return fmt::format("sysctl '{}' is not under net.: only net.* sysctls belong to a network "
                           "namespace, anything else would change the host",
                           key);
    std::size_t segments = 0;
    std::size_t start = 0;
    while (start <= key.size()) {
        std::size_t dot = key.find('.', start);
        if (dot == std::string_view::npos) dot = key.size();
        const std::string_view segment = key.substr(start, dot - start);
        if (segment.empty()) return fmt::format("sysctl '{}' has an empty segment", key);
        for (char c : segment) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok)
                return fmt::format("sysctl '{}' contains '{}': only a-z, 0-9, '_', '-' and '.' are allowed",
                                   key, c);
        }
        ++segments;
        start = dot + 1;
    }
    if (segments < 3) return fmt::format("sysctl '{}' names a directory, not a setting", key);
    return std::nullopt;
}

std::optional<std::string> check_sysctl_value(std::string_view key, std::string_view value) {
    if (value.empty()) return fmt::format("sysctl '{}' has an empty value", key);
    for (char c : value) {
        if (static_cast<unsigned char>(c) < ' ' && c != '\t')
            return fmt::format("sysctl '{}' value contains a control character", key);
    }
    return std::nullopt;
}

std::string sysctl_path(std::string_view key) {
    std::string path = "/proc/sys/";
    for (char c : key) path += c == '.' ? '/' : c;
    return path;
}

void write_sysctls(const Netns& ns, const std::vector<SysctlSetting>& settings) {
    for (const auto& s : settings) require_valid(s.key, s.value);
    if (settings.empty()) return;
    run_in_netns(ns, [&] {
        for (const auto& s : settings) {
            const std::string what = fmt::format("write sysctl {}={} in netns {}", s.key, s.value, ns.name());
            const std::string path = sysctl_path(s.key);
            int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
            if (fd < 0) throw_sysctl_error(what, errno);
            FileCloser closer(fd);
            // The kernel parses the whole value from one write; a short write would leave half of it.
            const ssize_t n = ::write(fd, s.value.data(), s.value.size());
            if (n < 0) throw_sysctl_error(what, errno);
            if (static_cast<std::size_t>(n) != s.value.size())
                throw std::runtime_error(fmt::format("{}: short write ({} of {} bytes)", what, n, s.value.size()));
        }
    });
}

std::string read_sysctl(const Netns& ns, const std::string& key) {
    if (auto problem = check_sysctl_key(key)) throw std::invalid_argument(*problem);
    return run_in_netns(ns, [&] {
        const std::string what = fmt::format("read sysctl {} in netns {}", key, ns.name());
        const std::string path = sysctl_path(key);
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw_sysctl_error(what, errno);
        FileCloser closer(fd);
        std::string value;
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof(buf));
            if (n < 0) throw_sysctl_error(what, errno);
            if (n == 0) break;
            value.append(buf, static_cast<std::size_t>(n));
        }
        while (!value.empty() && value.back() == '\n') value.pop_back();
        return value;
    });
}

}  // namespace lab::runner
