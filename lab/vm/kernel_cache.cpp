#include "lab/vm/kernel_cache.hpp"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "lab/vm/host_file.hpp"
#include "lab/vm/kernel_package_name.hpp"
#include "lab/vm/program_run.hpp"
#include "sys/directory.hpp"
#include "lab/vm/scratch_directory.hpp"

namespace fs = std::filesystem;

namespace lab::vm {
namespace {

// Written last into a package's directory: version and release. Its presence is what "complete" means.
constexpr const char* kReadyFile = "ready";

std::optional<KernelTree> read_ready(const fs::path& dir, const std::string& package) {
    std::ifstream in(dir / kReadyFile);
    KernelTree t;
    if (!(in >> t.version >> t.release)) return std::nullopt;
    t.package = package;
    t.root = (dir / "tree").string();
    if (!fs::exists(t.vmlinuz()) || !fs::exists(t.modules_dir() + "/modules.dep")) return std::nullopt;
    return t;
}

// dpkg-deb names the file package_version_arch.deb; the version has its epoch's ':' encoded as %3a.
std::string version_from_deb_name(const std::string& file, const std::string& package) {
    std::string rest = file.substr(package.size() + 1);
    std::string version = rest.substr(0, rest.find('_'));
    if (auto pos = version.find("%3a"); pos != std::string::npos) version.replace(pos, 3, ":");
    return version;
}

}  // namespace

bool is_debian_package_name(std::string_view name) {
    if (name.size() < 2 || !std::isalnum(static_cast<unsigned char>(name.front()))) return false;
    for (char c : name)
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '+' ||
              c == '-' || c == '.'))
            return false;
    return true;
}

std::optional<std::string> kernel_package_from_apt_show(std::string_view text) {
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("Depends:", 0) != 0) continue;
        std::istringstream deps(line.substr(8));
        for (std::string dep; std::getline(deps, dep, ',');) {
            std::istringstream words(dep);
            std::string name;
            words >> name;
            if (name.rfind("linux-image-", 0) == 0 && is_debian_package_name(name)) return name;
        }
    }
    return std::nullopt;
}

std::string KernelCache::default_package(const std::atomic<int>* interrupt) const {
    return metapackage_target(kKernelMetapackage, interrupt);
}

std::string KernelCache::metapackage_target(const std::string& metapackage, const std::atomic<int>* interrupt) const {
    sys::Directory::open_or_create(root_);  // checked like every place lab writes as root
    std::string out = fmt::format("{}/apt-cache-show-{}.txt", root_, metapackage);
    run_program({{"apt-cache", "show", "--no-all-versions", metapackage}, "", out}, std::chrono::seconds(60), interrupt);
    auto package = kernel_package_from_apt_show(read_host_file_if_any(out));
    if (!package)
        throw std::runtime_error(fmt::format("{} names no linux-image package in apt's lists ({}); run apt-get update",
                                             metapackage, out));
    return *package;
}

std::string KernelCache::resolve(const std::string& package, const std::atomic<int>* interrupt) const {
    if (package.empty()) return default_package(interrupt);
    if (!is_debian_package_name(package)) throw std::invalid_argument(fmt::format("'{}' is not a Debian package name", package));
    KernelPackageName k = classify_kernel_package(package);
    if (k.kind == KernelPackageKind::NotAKernel)
        throw std::invalid_argument(fmt::format("{}: not a Debian amd64 kernel image or metapackage (lab vm kernels lists them)",
                                                package));
    if (auto why = flavour_refusal(k.flavour))
        throw std::invalid_argument(fmt::format("{}: the {} flavour is refused: {}", package, k.flavour, *why));
    return k.kind == KernelPackageKind::Metapackage ? metapackage_target(package, interrupt) : package;
}

KernelCatalogue KernelCache::catalogue(const std::atomic<int>* interrupt) const {
    sys::Directory::open_or_create(root_);
    const std::string searched = root_ + "/apt-cache-search-kernels.txt", shown = root_ + "/apt-cache-show-kernels.txt";
    run_program({{"apt-cache", "search", "--names-only", "^linux-image-"}, "", searched}, std::chrono::seconds(60), interrupt);
    std::vector<std::string> names = package_names_from_apt_search(read_host_file_if_any(searched));
    std::vector<std::string> to_show = packages_to_show(names);
    std::vector<AptPackageRecord> records;
    if (!to_show.empty()) {
        std::vector<std::string> argv = {"apt-cache", "show", "--no-all-versions"};
        argv.insert(argv.end(), to_show.begin(), to_show.end());
        run_program({argv, "", shown}, std::chrono::seconds(60), interrupt);
        records = package_records_from_apt_show(read_host_file_if_any(shown));
    }
    return kernel_catalogue(names, records);
}

std::uint64_t KernelCache::disk_bytes(const KernelTree& tree) const {
    std::uint64_t total = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(fs::path(tree.root).parent_path(), ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec) && !it->is_symlink(ec)) total += it->file_size(ec);
    return total;
}

std::optional<KernelTree> KernelCache::cached(const std::string& package) const {
    if (!is_debian_package_name(package)) return std::nullopt;
    return read_ready(fs::path(root_) / package, package);
}

std::vector<KernelTree> KernelCache::cached_packages() const {
    std::vector<KernelTree> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root_, ec))
        if (e.is_directory())
            if (auto t = cached(e.path().filename().string())) out.push_back(*t);
    return out;
}

KernelTree KernelCache::ensure(const std::string& package, const Progress& progress,
                               const std::atomic<int>* interrupt) const {
    if (!is_debian_package_name(package)) throw std::invalid_argument(fmt::format("'{}' is not a Debian package name", package));
    if (auto t = cached(package)) return *t;

    fs::path final_dir = fs::path(root_) / package;
    fs::remove_all(final_dir);  // incomplete: no ready file
    // Whatever happens below, the partial directory does not outlive this call.
    ScratchDirectory scratch(fs::path(root_) / fmt::format("{}.partial-{}", package, ::getpid()));
    const fs::path& work = scratch.path();
    scratch.directory().create_subdirectory("download", 0755);

    const std::string log = (work / "fetch.log").string();
    progress(fmt::format("fetching {} with apt-get download into {}", package, root_));
    try {
        run_program({{"apt-get", "download", "-q", package}, (work / "download").string(), log}, std::chrono::seconds(600),
                    interrupt);
    } catch (const std::exception& first) {
        // Superseded kernel packages leave the archive; stale lists name a file that is gone.
        progress(fmt::format("apt-get download failed ({}); running apt-get update once and retrying", first.what()));
        run_program({{"apt-get", "update", "-q"}, "", (work / "update.log").string()}, std::chrono::seconds(600), interrupt);
        run_program({{"apt-get", "download", "-q", package}, (work / "download").string(), log}, std::chrono::seconds(600),
                    interrupt);
    }
    std::string deb;
    for (const auto& e : fs::directory_iterator(work / "download"))
        if (e.path().extension() == ".deb") deb = e.path().string();
    if (deb.empty()) throw std::runtime_error(fmt::format("apt-get download {} left no .deb in {}", package, (work / "download").string()));

    progress(fmt::format("unpacking {} with dpkg -x", fs::path(deb).filename().string()));
    run_program({{"dpkg", "-x", deb, (work / "tree").string()}, "", log}, std::chrono::seconds(300), interrupt);

    std::string release;
    for (const auto& e : fs::directory_iterator(work / "tree/lib/modules"))
        if (e.is_directory()) release = e.path().filename().string();
    if (release.empty()) throw std::runtime_error(fmt::format("{}: no lib/modules/<release> in the package", package));
    progress(fmt::format("indexing modules of {} with depmod -b", release));
    run_program({{"depmod", "-b", (work / "tree").string(), release}, "", log}, std::chrono::seconds(300), interrupt);

    fs::remove(deb);  // 70 MB that the unpacked tree makes redundant
    scratch.directory().write_file(kReadyFile,
                                   version_from_deb_name(fs::path(deb).filename().string(), package) + "\n" + release + "\n", 0644);
    std::error_code ec;
    fs::rename(work, final_dir, ec);
    // Another lab finishing the same fetch first is fine: its copy is as good as ours.
    if (ec && !cached(package)) throw std::runtime_error(fmt::format("rename {} → {}: {}", work.string(), final_dir.string(), ec.message()));
    auto tree = cached(package);
    if (!tree) throw std::runtime_error(fmt::format("{}: unpacked, yet incomplete in {}", package, final_dir.string()));
    return *tree;
}

}  // namespace lab::vm
