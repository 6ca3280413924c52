#pragma once
// What a Debian kernel package's name says about it: a real image or a metapackage, its kernel line
// (6.1, 6.12) and its flavour — and whether lab's guest can use that flavour at all.
//   linux-image-6.1.0-57-amd64              image, line 6.1, generic    (Debian 12's own kernel)
//   linux-image-6.12.117+deb12-amd64        image, line 6.12, generic   (bookworm-security / backports)
//   linux-image-6.12.117+deb12-cloud-amd64  image, line 6.12, cloud
//   linux-image-amd64, linux-image-6.12-amd64, linux-image-rt-amd64     metapackages (Depends: the image)
//   ...-amd64-unsigned, ...-amd64-dbg, ...-signed-template              not guest kernels
#include <optional>
#include <string>
#include <string_view>

namespace lab::vm {

enum class KernelPackageKind {
    Image,         // boot/vmlinuz and lib/modules: what the guest boots
    Metapackage,   // depends on the current image of its line and flavour
    NotAKernel,    // -dbg symbols, -unsigned twins of signed images, templates, other architectures
};

struct KernelPackageName {
    KernelPackageKind kind = KernelPackageKind::NotAKernel;
    std::string flavour;  // "amd64", "cloud-amd64", "rt-amd64"
    std::string line;     // "6.1", "6.12"; empty for linux-image-amd64 (whatever Debian 12's default is)
};

KernelPackageName classify_kernel_package(std::string_view package);

// Why lab refuses a flavour for its guests (checked against Debian 12's packages), or nothing for the
// generic "amd64" flavour.
std::optional<std::string> flavour_refusal(std::string_view flavour);

}  // namespace lab::vm
