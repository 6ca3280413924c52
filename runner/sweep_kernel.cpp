#include "runner/sweep_kernel.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

namespace lab::runner {
namespace {

// Debian package names: lower-case letters, digits, '+', '-', '.', starting with a letter or digit
// (Debian Policy 5.6.1) — also what keeps the value safe as a directory name and a guest argument.
bool is_package_name(std::string_view s) {
    if (s.size() < 2 || !(std::islower(static_cast<unsigned char>(s[0])) || std::isdigit(static_cast<unsigned char>(s[0]))))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '+' ||
               c == '-' || c == '.';
    });
}

}  // namespace

std::optional<std::string> kernel_value_problem(std::string_view text) {
    if (text == kHostKernel) return std::nullopt;
    const std::string_view prefix = kVmKernelPrefix;
    if (!text.starts_with(prefix))
        return fmt::format("'{}' is no kernel: write \"host\" (this machine's kernel) or \"vm:PACKAGE\" (a Debian kernel "
                           "package booted in a guest, e.g. \"vm:linux-image-6.1.0-57-amd64\"; `lab vm kernels` lists them)",
                           text);
    const std::string_view package = text.substr(prefix.size());
    if (!is_package_name(package))
        return fmt::format("'{}': '{}' is not a Debian package name (lower-case letters, digits, '+', '-' and '.')", text,
                           package);
    if (!package.starts_with("linux-image-"))
        return fmt::format("'{}': a guest kernel is a linux-image-* package (`lab vm kernels` lists them)", text);
    return std::nullopt;
}

KernelPlacement kernel_placement(const SweepCell& cell) {
    for (const auto& v : cell)
        if (v.name == kKernelVariable && v.text != kHostKernel)
            return {v.text.substr(std::string_view(kVmKernelPrefix).size())};
    return {};
}

std::optional<std::string> guest_kernel_package() {
    const char* v = std::getenv(kGuestKernelEnvironment);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

bool runs_here(const KernelPlacement& placement, const std::optional<std::string>& guest_package) {
    if (!guest_package) return placement.on_host();
    return placement.package == *guest_package;
}

}  // namespace lab::runner
