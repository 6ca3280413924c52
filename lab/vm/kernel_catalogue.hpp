#pragma once
// `lab vm kernels`: the guest kernels this machine can use — Debian kernel images apt's lists name (the
// generic amd64 flavour), the metapackages that point at the current ones, the flavours lab refuses and
// why, and what the kernel cache already holds. Built from apt's text by pure functions.
#include <cstdint>
#include <string>
#include <vector>

#include "lab/vm/apt_package_records.hpp"

namespace lab::vm {

struct AvailableKernel {
    std::string package;  // linux-image-6.12.117+deb12-amd64
    std::string version;  // 6.12.117-1~deb12u1
    std::string line;     // 6.12
    std::uint64_t download_bytes = 0;
    std::uint64_t installed_bytes = 0;
};

struct KernelPointer {
    std::string metapackage;  // linux-image-6.12-amd64
    std::string image;        // linux-image-6.12.117+deb12-amd64
};

struct RefusedFlavour {
    std::string flavour;  // cloud-amd64
    std::size_t images = 0;
    std::string reason;
};

struct KernelCatalogue {
    std::vector<AvailableKernel> usable;  // newest line first, newest ABI first within it
    std::vector<KernelPointer> pointers;
    std::vector<RefusedFlavour> refused;
};

struct CachedKernel {
    std::string package;
    std::string version;
    std::string release;  // uname -r
    std::uint64_t disk_bytes = 0;
};

// From `apt-cache search --names-only '^linux-image-'`: the packages worth an `apt-cache show` (the
// generic flavour's images and metapackages).
std::vector<std::string> packages_to_show(const std::vector<std::string>& searched_names);

// searched_names: every name apt-cache search gave; shown: the apt-cache show records of
// packages_to_show(searched_names).
KernelCatalogue kernel_catalogue(const std::vector<std::string>& searched_names,
                                 const std::vector<AptPackageRecord>& shown);

// The listing `lab vm kernels` prints.
std::string kernel_catalogue_text(const KernelCatalogue& catalogue, const std::vector<CachedKernel>& cached,
                                  const std::string& cache_root);

// "6.1.0-9" before "6.1.0-10", "6.1" before "6.12": digit runs compare as numbers.
bool natural_less(const std::string& a, const std::string& b);

}  // namespace lab::vm
