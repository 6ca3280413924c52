#include "common/errno_name.hpp"

#include <cerrno>
#include <utility>

namespace lab {
namespace {

#define LAB_ERRNO(e) {e, #e}
constexpr std::pair<int, const char*> kNames[] = {
    LAB_ERRNO(EPERM),        LAB_ERRNO(ENOENT),       LAB_ERRNO(ESRCH),        LAB_ERRNO(EINTR),
    LAB_ERRNO(EIO),          LAB_ERRNO(ENXIO),        LAB_ERRNO(E2BIG),        LAB_ERRNO(ENOEXEC),
    LAB_ERRNO(EBADF),        LAB_ERRNO(ECHILD),       LAB_ERRNO(EAGAIN),       LAB_ERRNO(ENOMEM),
    LAB_ERRNO(EACCES),       LAB_ERRNO(EFAULT),       LAB_ERRNO(EBUSY),        LAB_ERRNO(EEXIST),
    LAB_ERRNO(ENODEV),       LAB_ERRNO(ENOTDIR),      LAB_ERRNO(EISDIR),       LAB_ERRNO(EINVAL),
    LAB_ERRNO(ENFILE),       LAB_ERRNO(EMFILE),       LAB_ERRNO(ENOSPC),       LAB_ERRNO(EROFS),
    LAB_ERRNO(EPIPE),        LAB_ERRNO(ERANGE),       LAB_ERRNO(ENAMETOOLONG), LAB_ERRNO(ENOSYS),
    LAB_ERRNO(ENOTEMPTY),    LAB_ERRNO(ENODATA),      LAB_ERRNO(ETIME),        LAB_ERRNO(EPROTO),
    LAB_ERRNO(EOVERFLOW),    LAB_ERRNO(ENOTSOCK),     LAB_ERRNO(EDESTADDRREQ), LAB_ERRNO(EMSGSIZE),
    LAB_ERRNO(EPROTOTYPE),   LAB_ERRNO(ENOPROTOOPT),  LAB_ERRNO(EPROTONOSUPPORT),
    LAB_ERRNO(EOPNOTSUPP),   LAB_ERRNO(EAFNOSUPPORT), LAB_ERRNO(EADDRINUSE),   LAB_ERRNO(EADDRNOTAVAIL),
    LAB_ERRNO(ENETDOWN),     LAB_ERRNO(ENETUNREACH),  LAB_ERRNO(ENETRESET),    LAB_ERRNO(ECONNABORTED),
    LAB_ERRNO(ECONNRESET),   LAB_ERRNO(ENOBUFS),      LAB_ERRNO(EISCONN),      LAB_ERRNO(ENOTCONN),
    LAB_ERRNO(ESHUTDOWN),    LAB_ERRNO(ETIMEDOUT),    LAB_ERRNO(ECONNREFUSED), LAB_ERRNO(EHOSTDOWN),
    LAB_ERRNO(EHOSTUNREACH), LAB_ERRNO(EALREADY),     LAB_ERRNO(EINPROGRESS),  LAB_ERRNO(ENOTSUP),
    LAB_ERRNO(ENOMSG),       LAB_ERRNO(EBADMSG),      LAB_ERRNO(ENOLINK),      LAB_ERRNO(ECANCELED),
    LAB_ERRNO(EKEYREJECTED), LAB_ERRNO(ELOOP),        LAB_ERRNO(EDQUOT),       LAB_ERRNO(ESTALE),
};
#undef LAB_ERRNO

}  // namespace

std::string errno_name(int err) {
    for (const auto& [value, name] : kNames)
        if (value == err) return name;
    return std::string("E").append(std::to_string(err));  // not "E" + …: GCC 12 -O3 warns -Wrestrict there
}

std::optional<int> errno_from_name(std::string_view name) {
    for (const auto& [value, n] : kNames)
        if (name == n) return value;
    return std::nullopt;
}

}  // namespace lab
