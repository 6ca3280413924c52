#include "runner/scenario_catalogue.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace lab::runner {

std::vector<fs::path> catalogue_directories(const fs::path& executable) {
    return {fs::path("scenarios"), (executable.parent_path() / ".." / "share" / "lab" / "scenarios").lexically_normal()};
}

bool is_scenario_name(std::string_view argument) {
    return !argument.empty() && argument.find('/') == std::string_view::npos;
}

std::optional<fs::path> find_catalogue_scenario(std::string_view name, const std::vector<fs::path>& directories) {
    std::string file_name(name);
    if (fs::path(file_name).extension() != ".toml") file_name += ".toml";
    for (const auto& dir : directories) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        std::vector<fs::path> found;
        for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
            if (it->path().filename() == file_name && it->is_regular_file(ec)) found.push_back(it->path());
        std::sort(found.begin(), found.end());
        if (found.size() > 1)
            throw std::runtime_error(fmt::format("{}: two scenarios of that name, {} and {}; name the file", name,
                                                 found[0].string(), found[1].string()));
        if (!found.empty()) return found.front();
    }
    return std::nullopt;
}

}  // namespace lab::runner
