#include "runner/run_state.hpp"

#include <sys/stat.h>

#include <cerrno>

#include <fmt/format.h>

#include "sys/kernel_error.hpp"

namespace lab::runner {

sys::Directory run_state_directory() { return sys::Directory::open_or_create_lab_state(kRunStateDir, 0755); }

sys::Directory run_markers_directory() { return run_state_directory().subdirectory("runs", 0755); }

namespace {

// The sockets inside must be root's alone, whatever made the directory (an older lab made wire/ 0755).
sys::Directory root_only_subdirectory(const char* name) {
    sys::Directory dir = run_state_directory().subdirectory(name, 0700);
    if (::fchmod(dir.fd(), 0700) != 0) sys::throw_kernel_error(fmt::format("chmod {}", dir.path().string()), errno);
    return dir;
}

}  // namespace

sys::Directory wire_control_directory() { return root_only_subdirectory("wire"); }

sys::Directory control_socket_directory() { return root_only_subdirectory("ctl"); }

}  // namespace lab::runner
