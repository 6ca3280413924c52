#pragma once
// KVM or TCG for a guest. A /dev/kvm that opens proves little: under nested virtualisation it can
// create VMs whose vCPUs then fail or hang on a real kernel. So `auto` boots the guest's own kernel
// under KVM once, with an /init that prints a marker and powers off, and takes KVM only if the marker
// appears within seconds. The answer is kept per host boot (it cannot change before a reboot).
#include <atomic>
#include <optional>
#include <string>

#include "lab/vm/kernel_cache.hpp"
#include "lab/vm/qemu_machine.hpp"

namespace lab::vm {

struct AcceleratorChoice {
    Accelerator accel = Accelerator::Tcg;
    std::string reason;
};

// Why /dev/kvm cannot even create a VM here; nullopt when it can.
std::optional<std::string> kvm_device_problem();

// request: "auto", "kvm" (fails naming the reason when KVM does not work) or "tcg".
// work_dir receives the probe's initramfs and logs; cache_dir keeps the per-boot answer.
AcceleratorChoice choose_accelerator(const std::string& request, const KernelTree& kernel, const std::string& work_dir,
                                     const std::string& cache_dir, const std::atomic<int>* interrupt);

// The remembered answer for this host boot, if a probe ran: "kvm works" / "kvm: no (reason)".
std::optional<std::string> remembered_kvm_probe(const std::string& cache_dir);

}  // namespace lab::vm
