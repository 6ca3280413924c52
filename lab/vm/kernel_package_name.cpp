#include "lab/vm/kernel_package_name.hpp"

#include <cctype>

namespace lab::vm {
namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// "6.12" or "6.1" exactly: a metapackage's line. Anything longer ("6.1.0-57", "6.12.117+deb12") is an ABI.
bool is_line(std::string_view s) {
    std::size_t dot = s.find('.');
    if (dot == 0 || dot == std::string_view::npos || dot + 1 == s.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (i != dot && !is_digit(s[i])) return false;
    return true;
}

// The first two dot-separated numbers of an ABI: "6.1.0-57" → "6.1", "6.12.117+deb12" → "6.12".
std::string line_of(std::string_view abi) {
    std::size_t first = abi.find('.');
    std::size_t end = abi.find_first_not_of("0123456789", first + 1);
    return std::string(abi.substr(0, end));
}

}  // namespace

KernelPackageName classify_kernel_package(std::string_view package) {
    KernelPackageName out;
    constexpr std::string_view kPrefix = "linux-image-", kArch = "amd64";
    if (package.substr(0, kPrefix.size()) != kPrefix || !package.ends_with(kArch)) return out;
    std::string_view rest = package.substr(kPrefix.size(), package.size() - kPrefix.size() - kArch.size());
    // rest: "6.1.0-57-", "6.12.117+deb12-cloud-", "", "6.12-", "rt-", "6.12-rt-"
    out.flavour = "amd64";
    for (std::string_view modifier : {"cloud-", "rt-"})
        if (rest.ends_with(modifier)) {
            out.flavour = std::string(modifier) + "amd64";
            rest.remove_suffix(modifier.size());
            break;
        }
    if (!rest.empty()) {
        if (rest.back() != '-') return KernelPackageName{};
        rest.remove_suffix(1);
    }
    if (rest.empty() || is_line(rest)) {
        out.kind = KernelPackageKind::Metapackage;
        out.line = std::string(rest);
    } else if (is_digit(rest.front()) && rest.find('.') != std::string_view::npos &&
               rest.find('.', rest.find('.') + 1) != std::string_view::npos) {
        out.kind = KernelPackageKind::Image;
        out.line = line_of(rest);
    } else {
        return KernelPackageName{};
    }
    return out;
}

std::optional<std::string> flavour_refusal(std::string_view flavour) {
    if (flavour == "amd64") return std::nullopt;
    if (flavour == "cloud-amd64")
        return "no 9p: Debian builds its cloud kernels without CONFIG_NET_9P (6.1 and 6.12), and the guest "
               "mounts the host's root and its results directory over virtio-9p";
    if (flavour == "rt-amd64")
        return "PREEMPT_RT: it has every module the guest needs, but threaded interrupts and softirqs and "
               "sleeping spinlocks change the timing lab measures, so a verdict that differs from the generic "
               "kernel's would be the preemption model's, not the kernel version's";
    return "not a Debian 12 amd64 flavour lab knows";
}

}  // namespace lab::vm
