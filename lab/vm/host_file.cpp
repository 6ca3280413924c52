#include "lab/vm/host_file.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "common/errno_name.hpp"

namespace lab::vm {
namespace {

std::string contents_of(std::ifstream& in) {
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

std::string read_host_file_if_any(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return in ? contents_of(in) : std::string();
}

std::string read_host_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("cannot read {} ({})", path.string(), errno_name(errno)));
    return contents_of(in);
}

}  // namespace lab::vm
