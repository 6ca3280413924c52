// Files the fuzzer once failed on (tests/fuzz/regressions/, each says what it found), parsed again on
// every run: each must be refused with diagnostics that all name their file, line and column.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "runner/scenario_parser.hpp"
#include "tests/fuzz/diagnostic_form.hpp"

namespace {

namespace fs = std::filesystem;

TEST(RegressionFiles, EachIsRefusedWithLocatedDiagnostics) {
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(LAB_SOURCE_DIR) / "tests/fuzz/regressions")) {
        const std::string path = entry.path().string();
        ++files;
        try {
            lab::runner::parse_scenario_file(path);
            ADD_FAILURE() << path << " parsed as valid";
        } catch (const lab::runner::ScenarioError& e) {
            ASSERT_FALSE(e.diagnostics().empty()) << path;
            for (const auto& d : e.diagnostics())
                EXPECT_EQ(lab::fuzz::classify_diagnostic(d, path), lab::fuzz::DiagnosticForm::located) << d;
        }
    }
    EXPECT_GE(files, 1U);
}

TEST(RegressionFiles, AnImpairStepsErrorPointsAtItsLine) {
    const std::string path = std::string(LAB_SOURCE_DIR) + "/tests/fuzz/regressions/impair-step-location.toml";
    try {
        lab::runner::parse_scenario_file(path);
        FAIL() << "parsed as valid";
    } catch (const lab::runner::ScenarioError& e) {
        ASSERT_EQ(e.diagnostics().size(), 1U);
        EXPECT_TRUE(e.diagnostics()[0].starts_with(path + ":21:")) << e.diagnostics()[0];
        EXPECT_NE(e.diagnostics()[0].find("4294967295%"), std::string::npos) << e.diagnostics()[0];
    }
}

}  // namespace
