#pragma once
// Text output compared byte for byte with a file under tests/unit/analysis/golden/. To accept a changed
// output after reading the diff: LAB_UPDATE_GOLDEN=1 build/bin/lab_unit_tests --gtest_filter=...
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace lab::analysis::test {

inline std::string golden_path(const std::string& name) {
    return std::string(LAB_SOURCE_DIR) + "/tests/unit/analysis/golden/" + name;
}

inline void expect_golden(const std::string& actual, const std::string& name) {
    const std::string path = golden_path(name);
    const char* update = std::getenv("LAB_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        std::ofstream(path, std::ios::binary) << actual;
        GTEST_SKIP() << "rewrote " << path;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path << " does not exist; LAB_UPDATE_GOLDEN=1 writes it";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str()) << "differs from " << path << " (LAB_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace lab::analysis::test
