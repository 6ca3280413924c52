#include "lab/cli/junit_file.hpp"

#include <filesystem>
#include <stdexcept>

#include "analysis/junit_xml.hpp"
#include "sys/directory.hpp"

namespace lab::cli {

void write_junit_file(const std::string& path, const std::vector<const record::RunRecord*>& records) {
    const std::filesystem::path p(path);
    const std::string name = p.filename().string();
    if (!sys::is_single_component(name)) throw std::runtime_error("name a file, not a directory");
    const std::filesystem::path parent = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
    sys::Directory::open_or_create(parent, 0755).write_file(name, analysis::junit_xml(records, "lab run"), 0644);
}

}  // namespace lab::cli
