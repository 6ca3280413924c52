#include "sys/kernel_error.hpp"

#include <cstring>

#include <fmt/format.h>

#include "common/errno_name.hpp"

namespace lab::sys {
namespace {

std::string compose(const std::string& what, int err, std::string_view detail) {
    std::string message = what + ": " + describe_errno(err);
    if (!detail.empty()) message += fmt::format("; {}", detail);
    return message;
}

}  // namespace

KernelError::KernelError(const std::string& what, int err, std::string_view detail)
    : std::runtime_error(compose(what, err, detail)), err_(err) {}

std::string describe_errno(int err) {
    const char* text = strerrordesc_np(err);
    return fmt::format("{} ({})", text ? text : "Unknown error", lab::errno_name(err));
}

void throw_kernel_error(const std::string& what, int err) { throw KernelError(what, err); }

}  // namespace lab::sys
