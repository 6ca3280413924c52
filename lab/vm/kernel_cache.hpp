#pragma once
// Debian kernel packages unpacked for guests, one directory per package under a cache root
// (/var/cache/lab/vm by default). A package is fetched with `apt-get download`, unpacked with `dpkg -x`
// and indexed with `depmod -b` — never installed: the host's /boot and /lib/modules are not touched.
// Idempotent: a package whose directory is complete is used as it is; a half-made one (lab killed
// mid-fetch) is never mistaken for complete, because the directory only gets its final name once done.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/vm/kernel_catalogue.hpp"

namespace lab::vm {

inline constexpr const char* kDefaultCacheDir = "/var/cache/lab/vm";
// Debian 12's generic kernel metapackage; its Depends names the current linux-image-6.1.0-N-amd64.
// The generic flavour, not cloud: the cloud kernel has no 9p.
inline constexpr const char* kKernelMetapackage = "linux-image-amd64";

struct KernelTree {
    std::string package;  // linux-image-6.1.0-56-amd64
    std::string version;  // the package's version: 6.1.192-2
    std::string release;  // uname -r in the guest: 6.1.0-56-amd64
    std::string root;     // the unpacked package (boot/, lib/modules/)

    std::string vmlinuz() const { return root + "/boot/vmlinuz-" + release; }
    std::string modules_dir() const { return root + "/lib/modules/" + release; }
};

// True for a name apt could mean as a package (letters, digits, + - .; starting alphanumeric): what
// is passed to apt-get must never be read as an option.
bool is_debian_package_name(std::string_view name);

// The kernel package a metapackage's candidate depends on, from `apt-cache show --no-all-versions`
// output: "Depends: linux-image-6.1.0-56-amd64 (= 6.1.192-2)" → "linux-image-6.1.0-56-amd64".
std::optional<std::string> kernel_package_from_apt_show(std::string_view apt_show_text);

class KernelCache {
public:
    using Progress = std::function<void(const std::string&)>;

    explicit KernelCache(std::string root = kDefaultCacheDir) : root_(std::move(root)) {}
    const std::string& root() const { return root_; }

    // The linux-image-6.1.0-N-amd64 that linux-image-amd64 currently points to in apt's lists.
    std::string default_package(const std::atomic<int>* interrupt = nullptr) const;
    // The image package `package` means: empty → default_package(); a metapackage (linux-image-6.12-amd64)
    // → the image its candidate depends on; an image → itself. Throws naming a refused flavour and why,
    // or a name that is no kernel image.
    std::string resolve(const std::string& package, const std::atomic<int>* interrupt = nullptr) const;
    // What `lab vm kernels` lists: apt-cache search and apt-cache show, read by kernel_catalogue().
    KernelCatalogue catalogue(const std::atomic<int>* interrupt = nullptr) const;
    // The unpacked package, fetching it first when it is not cached. Throws naming the step that failed.
    KernelTree ensure(const std::string& package, const Progress& progress, const std::atomic<int>* interrupt) const;
    // The cached package if it is complete, without fetching anything.
    std::optional<KernelTree> cached(const std::string& package) const;
    // Every complete package in the cache.
    std::vector<KernelTree> cached_packages() const;
    // Bytes the package's cache directory holds (file sizes, recursively).
    std::uint64_t disk_bytes(const KernelTree& tree) const;

private:
    // The image a metapackage's candidate depends on, from apt-cache show.
    std::string metapackage_target(const std::string& metapackage, const std::atomic<int>* interrupt) const;

    std::string root_;
};

}  // namespace lab::vm
