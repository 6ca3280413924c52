#include "lab/vm/kernel_catalogue.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "lab/vm/kernel_package_name.hpp"

namespace lab::vm {
namespace {

bool is_decimal_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string megabytes(std::uint64_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

}  // namespace

bool natural_less(const std::string& a, const std::string& b) {
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (is_decimal_digit(a[i]) && is_decimal_digit(b[j])) {
            std::size_t ie = i, je = j;
            while (ie < a.size() && is_decimal_digit(a[ie])) ++ie;
            while (je < b.size() && is_decimal_digit(b[je])) ++je;
            // Without leading zeros, the longer run is the larger number.
            std::string_view na = std::string_view(a).substr(i, ie - i), nb = std::string_view(b).substr(j, je - j);
            while (na.size() > 1 && na.front() == '0') na.remove_prefix(1);
            while (nb.size() > 1 && nb.front() == '0') nb.remove_prefix(1);
            if (na.size() != nb.size()) return na.size() < nb.size();
            if (na != nb) return na < nb;
            i = ie;
            j = je;
        } else {
            if (a[i] != b[j]) return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

std::vector<std::string> packages_to_show(const std::vector<std::string>& searched_names) {
    std::vector<std::string> out;
    for (const auto& name : searched_names) {
        KernelPackageName k = classify_kernel_package(name);
        if (k.kind != KernelPackageKind::NotAKernel && !flavour_refusal(k.flavour)) out.push_back(name);
    }
    return out;
}

KernelCatalogue kernel_catalogue(const std::vector<std::string>& searched_names, const std::vector<AptPackageRecord>& shown) {
    KernelCatalogue c;
    std::map<std::string, RefusedFlavour> refused;
    for (const auto& name : searched_names) {
        KernelPackageName k = classify_kernel_package(name);
        if (k.kind != KernelPackageKind::Image) continue;
        if (auto why = flavour_refusal(k.flavour)) {
            RefusedFlavour& r = refused[k.flavour];
            r.flavour = k.flavour;
            r.reason = *why;
            ++r.images;
        }
    }
    for (auto& [flavour, r] : refused) c.refused.push_back(std::move(r));

    for (const auto& rec : shown) {
        KernelPackageName k = classify_kernel_package(rec.package);
        if (flavour_refusal(k.flavour)) continue;
        if (k.kind == KernelPackageKind::Image) {
            // apt-cache show prints a package once per record it has; --no-all-versions keeps one.
            if (std::none_of(c.usable.begin(), c.usable.end(), [&](const auto& u) { return u.package == rec.package; }))
                c.usable.push_back({rec.package, rec.version, k.line, rec.download_bytes, rec.installed_bytes});
        } else if (k.kind == KernelPackageKind::Metapackage) {
            for (const auto& dep : rec.depends)
                if (classify_kernel_package(dep).kind == KernelPackageKind::Image) {
                    c.pointers.push_back({rec.package, dep});
                    break;
                }
        }
    }
    std::sort(c.usable.begin(), c.usable.end(),
              [](const AvailableKernel& a, const AvailableKernel& b) { return natural_less(b.package, a.package); });
    // linux-image-amd64 (lab's default) first, then the lines' own metapackages.
    std::sort(c.pointers.begin(), c.pointers.end(), [](const KernelPointer& a, const KernelPointer& b) {
        return std::make_pair(a.metapackage != "linux-image-amd64", a.metapackage) <
               std::make_pair(b.metapackage != "linux-image-amd64", b.metapackage);
    });
    return c;
}

std::string kernel_catalogue_text(const KernelCatalogue& c, const std::vector<CachedKernel>& cached,
                                  const std::string& cache_root) {
    auto cached_entry = [&](const std::string& package) -> const CachedKernel* {
        for (const auto& k : cached)
            if (k.package == package) return &k;
        return nullptr;
    };
    std::size_t width = std::string_view("PACKAGE").size();
    for (const auto& k : c.usable) width = std::max(width, k.package.size());
    for (const auto& k : cached) width = std::max(width, k.package.size());

    std::string out = "Debian kernel images apt can fetch for the guest (generic amd64 flavour; lab vm run --kernel PACKAGE):\n";
    if (c.usable.empty()) out += "  none in apt's lists (run apt-get update)\n";
    else out += fmt::format("  {:<{}}  {:<20} {:>5}  {:>10}  {:>10}  {}\n", "PACKAGE", width, "VERSION", "LINE", "DOWNLOAD",
                            "UNPACKED", "CACHE");
    for (const auto& k : c.usable) {
        const CachedKernel* in_cache = cached_entry(k.package);
        out += fmt::format("  {:<{}}  {:<20} {:>5}  {:>10}  {:>10}  {}\n", k.package, width, k.version, k.line,
                           megabytes(k.download_bytes), megabytes(k.installed_bytes),
                           in_cache ? "cached, " + megabytes(in_cache->disk_bytes) : std::string("-"));
    }
    if (!c.pointers.empty()) {
        out += "\nMetapackages (--kernel takes them too and boots what they point to):\n";
        for (const auto& p : c.pointers)
            out += fmt::format("  {} → {}{}\n", p.metapackage, p.image,
                               p.metapackage == "linux-image-amd64" ? "  (lab vm run's default)" : "");
    }

    std::vector<const CachedKernel*> cache_only;
    std::uint64_t cache_bytes = 0;
    for (const auto& k : cached) {
        cache_bytes += k.disk_bytes;
        if (std::none_of(c.usable.begin(), c.usable.end(), [&](const auto& u) { return u.package == k.package; }))
            cache_only.push_back(&k);
    }
    out += fmt::format("\nIn the cache ({}): {} kernel{}, {}\n", cache_root, cached.size(), cached.size() == 1 ? "" : "s",
                       megabytes(cache_bytes));
    for (const CachedKernel* k : cache_only)
        out += fmt::format("  {:<{}}  {:<20} kernel {}, {} (no longer in apt's lists; still usable)\n", k->package, width,
                           k->version, k->release, megabytes(k->disk_bytes));

    if (!c.refused.empty()) {
        out += "\nRefused flavours:\n";
        for (const auto& r : c.refused)
            out += fmt::format("  {} ({} image{} in apt's lists): {}\n", r.flavour, r.images, r.images == 1 ? "" : "s", r.reason);
    }
    out += "Not listed: -unsigned (the same kernel as its signed package), -dbg (debug symbols, no kernel).\n";
    return out;
}

}  // namespace lab::vm
