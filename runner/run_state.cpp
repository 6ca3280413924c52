#include "runner/run_state.hpp"

#include <sys/stat.h>

#include <cerrno>

#include <fmt/format.h>

#include "sys/kernel_error.hpp"

namespace lab::runner {

sys::Directory run_state_directory() { return sys::Directory::open_or_create(kRunStateDir, 0755); }

sys::Directory run_markers_directory() { return run_state_directory().subdirectory("runs", 0755); }

sys::Directory wire_control_directory() {
    sys::Directory dir = run_state_directory().subdirectory("wire", 0700);
    // An older lab made it 0755; the sockets inside must be root's alone whatever made the directory.
    if (::fchmod(dir.fd(), 0700) != 0) sys::throw_kernel_error(fmt::format("chmod {}", dir.path().string()), errno);
    return dir;
}

}  // namespace lab::runner
