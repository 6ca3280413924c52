#include "lab/vm/apt_package_records.hpp"

#include <charconv>
#include <sstream>

#include "common/text_fields.hpp"

namespace lab::vm {
namespace {

std::uint64_t number(std::string_view s) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

// "kmod, initramfs-tools (>= 0.120) | linux-initramfs-tool" → {"kmod", "initramfs-tools", "linux-initramfs-tool"}.
std::vector<std::string> dependency_names(std::string_view value) {
    std::vector<std::string> out;
    for (std::string_view dep : split_trimmed(value, ','))
        for (std::string_view alternative : split_trimmed(dep, '|')) {
            std::string_view name = alternative.substr(0, alternative.find_first_of(" (:"));
            if (!name.empty()) out.emplace_back(name);
        }
    return out;
}

}  // namespace

std::vector<std::string> package_names_from_apt_search(std::string_view text) {
    std::vector<std::string> out;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        std::string_view name = trim(std::string_view(line).substr(0, line.find(" - ")));
        if (!name.empty() && name.find(' ') == std::string_view::npos) out.emplace_back(name);
    }
    return out;
}

std::vector<AptPackageRecord> package_records_from_apt_show(std::string_view text) {
    std::vector<AptPackageRecord> out;
    AptPackageRecord current;
    auto finish = [&] {
        if (!current.package.empty()) out.push_back(std::move(current));
        current = AptPackageRecord{};
    };
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (trim(line).empty()) {
            finish();
            continue;
        }
        if (line.front() == ' ' || line.front() == '\t') continue;  // a long description's further lines
        std::size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string_view field = std::string_view(line).substr(0, colon);
        std::string_view value = trim(std::string_view(line).substr(colon + 1));
        if (field == "Package") current.package = value;
        else if (field == "Version") current.version = value;
        else if (field == "Description") current.description = value;
        else if (field == "Size") current.download_bytes = number(value);
        else if (field == "Installed-Size") current.installed_bytes = number(value) * 1024;
        else if (field == "Depends") current.depends = dependency_names(value);
    }
    finish();
    return out;
}

}  // namespace lab::vm
