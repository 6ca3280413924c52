#pragma once
// A file's whole content, as the tests read back what a program wrote, a record or a report.
#include <filesystem>
#include <string>

namespace lab::e2e {

// Its bytes as they are; "" when it cannot be read.
std::string slurp(const std::filesystem::path& path);

}  // namespace lab::e2e
