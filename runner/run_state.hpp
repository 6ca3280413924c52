#pragma once
// What lab keeps under /run/lab while runs are live: runs/<id>, the marker that says which lab process
// owns a run; wire/<id>/, the control sockets of that run's lab-wire processes (0700: the sockets
// change a live link, so only root may reach them); ctl/<id>.sock, a run's `lab ctl` socket (0700 too).
// `lab clean` removes them for runs whose owner is gone.
#include <string>

#include "sys/directory.hpp"

namespace lab::runner {

inline constexpr const char* kRunStateDir = "/run/lab";

sys::Directory run_state_directory();             // /run/lab, 0755
sys::Directory run_markers_directory();           // /run/lab/runs, 0755
sys::Directory wire_control_directory();          // /run/lab/wire, 0700 (tightened if it was wider)
sys::Directory control_socket_directory();        // /run/lab/ctl, 0700: live runs' `lab ctl` sockets

}  // namespace lab::runner
