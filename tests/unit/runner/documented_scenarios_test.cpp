// The scenario examples in the docs are scenarios: every ```toml block of docs/*.md that declares
// [scenario] parses without a diagnostic, so that a reader who copies one gets a file `lab` accepts.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "runner/scenario_parser.hpp"

namespace lab::runner {
namespace {

struct Example {
    std::string label;  // "docs/scenario-format.md:12" (the line of its ```toml)
    std::string text;
};

std::vector<Example> toml_examples(const std::filesystem::path& file, const std::string& shown_as) {
    std::ifstream in(file);
    std::vector<Example> out;
    std::string line;
    int number = 0;
    std::optional<Example> open;
    while (std::getline(in, line)) {
        ++number;
        if (!open && line == "```toml") {
            open = Example{shown_as + ":" + std::to_string(number), ""};
        } else if (open && line == "```") {
            if (open->text.find("[scenario]") != std::string::npos) out.push_back(*open);
            open.reset();
        } else if (open) {
            open->text += line + "\n";
        }
    }
    return out;
}

TEST(DocumentedScenarios, EveryScenarioExampleInTheDocsParses) {
    const std::filesystem::path docs = std::filesystem::path(LAB_SOURCE_DIR) / "docs";
    std::size_t examples = 0;
    for (const auto& entry : std::filesystem::directory_iterator(docs)) {
        if (entry.path().extension() != ".md") continue;
        for (const auto& example : toml_examples(entry.path(), "docs/" + entry.path().filename().string())) {
            ++examples;
            try {
                Scenario s = parse_scenario_text(example.text, example.label, ResourceLimits{1'000'000, 1'000'000});
                EXPECT_FALSE(s.name.empty()) << example.label;
            } catch (const ScenarioError& e) {
                ADD_FAILURE() << example.label << ": " << ::testing::PrintToString(e.diagnostics());
            }
        }
    }
    EXPECT_GE(examples, 2u) << "the format's main example and the sweep example";
}

}  // namespace
}  // namespace lab::runner
