#include "lab/cli/record_files.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "sys/kernel_error.hpp"

namespace fs = std::filesystem;

namespace lab::cli {

std::vector<std::string> find_record_files(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const auto& a : args) {
        std::error_code ec;
        if (fs::is_directory(a, ec)) {
            std::vector<std::string> found;
            for (const auto& e : fs::recursive_directory_iterator(a))
                if (e.is_regular_file() && e.path().filename() == "record.json") found.push_back(e.path().string());
            if (found.empty()) throw std::runtime_error(a + ": directory holds no record.json");
            std::sort(found.begin(), found.end());
            out.insert(out.end(), found.begin(), found.end());
        } else if (fs::is_regular_file(a, ec)) {
            out.push_back(a);
        } else {
            throw std::runtime_error(a + ": no such record file or directory");
        }
    }
    return out;
}

record::RunRecord load_record(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot open: " + sys::describe_errno(errno));
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(path + ": not JSON: " + e.what());
    }
    try {
        return record::run_record_from_json(j);
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

}  // namespace lab::cli
