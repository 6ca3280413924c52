#include "tests/e2e/support/file_text.hpp"

#include <fstream>
#include <sstream>

namespace lab::e2e {

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace lab::e2e
