#pragma once
// lab holds a descriptor per network namespace of a run (and more while it builds them), so it raises its
// own soft RLIMIT_NOFILE to the hard limit first thing. The programs it starts get back the limit lab was
// given, as they would have from the shell: a scenario's `nc` or `ab` must not see a different machine
// because lab needed more descriptors (sys::Process restores it between vfork and exec).
#include <sys/resource.h>

#include <optional>

namespace lab::sys {

// Raises the soft limit to the hard one, the most a process may open without privilege. Best effort.
void raise_descriptor_limit();

// The limit lab was started with, when raise_descriptor_limit() changed it; nullopt otherwise.
std::optional<rlimit> inherited_descriptor_limit();

}  // namespace lab::sys
