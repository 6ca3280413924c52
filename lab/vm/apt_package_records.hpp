#pragma once
// What lab reads from apt's own command-line output (never from its private list files, whose layout
// is apt's business): `apt-cache search` lines and `apt-cache show` records. Pure text → values, so
// tests feed them captured output.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lab::vm {

struct AptPackageRecord {
    std::string package;
    std::string version;
    std::string description;           // the first line only
    std::uint64_t download_bytes = 0;  // Size: the .deb
    std::uint64_t installed_bytes = 0;  // Installed-Size (KiB in apt's text) × 1024
    std::vector<std::string> depends;  // package names only, alternatives and version constraints dropped
};

// "linux-image-6.12.117+deb12-amd64 - Linux 6.12 for 64-bit PCs (signed)" per line → the names.
std::vector<std::string> package_names_from_apt_search(std::string_view text);

// The records of `apt-cache show` (blank-line separated "Field: value" paragraphs, continuation lines
// starting with a space). A record without Package: is skipped; numbers that do not parse are 0.
std::vector<AptPackageRecord> package_records_from_apt_show(std::string_view text);

}  // namespace lab::vm
