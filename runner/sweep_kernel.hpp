#pragma once
// The kernel as a sweep variable: `kernel = ["host", "vm:linux-image-6.12-amd64", ...]` in [sweep.vars].
// "host" cells run on this machine's kernel; "vm:PKG" cells run inside a qemu guest booted once per
// package on that Debian kernel (lab vm), so the sweep's tables put kernels side by side. In the guest,
// lab sweep is started with LAB_VM_GUEST_KERNEL=PKG and runs exactly the cells of that package.
#include <optional>
#include <string>
#include <string_view>

#include "runner/sweep_spec.hpp"

namespace lab::runner {

inline constexpr const char* kKernelVariable = "kernel";
inline constexpr const char* kHostKernel = "host";
inline constexpr const char* kVmKernelPrefix = "vm:";
// Set by lab vm in a guest's environment: the package the guest booted.
inline constexpr const char* kGuestKernelEnvironment = "LAB_VM_GUEST_KERNEL";

// Where a cell runs: on this host (package empty) or in a guest on a Debian kernel package.
struct KernelPlacement {
    std::string package;
    bool on_host() const { return package.empty(); }
    bool operator==(const KernelPlacement&) const = default;
};

// Why a value of the kernel variable is not one ("host" or "vm:" and a Debian package name), or nullopt.
std::optional<std::string> kernel_value_problem(std::string_view text);

// The cell's placement: on the host when the sweep has no kernel variable. The value must be valid.
KernelPlacement kernel_placement(const SweepCell& cell);

// The package this process runs as a guest for (LAB_VM_GUEST_KERNEL), or nullopt on a host.
std::optional<std::string> guest_kernel_package();

// Whether this process may run a cell placed so: host cells on a host, vm:PKG cells in PKG's guest.
bool runs_here(const KernelPlacement& placement, const std::optional<std::string>& guest_package);

}  // namespace lab::runner
