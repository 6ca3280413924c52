#pragma once
// What the parser's tests share: limits no scenario of theirs reaches, and what a ScenarioError says.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runner/scenario_parser.hpp"

namespace lab::runner::test {

// Limits that no scenario here reaches, whatever the machine running the test allows: the budget has
// tests of its own.
inline const ResourceLimits kRoomy{1'000'000, 1'000'000};

// The ScenarioError's message for `text` (parsed as t.toml); a test failure, and "", when it parses.
inline std::string errors_of(const std::string& text) {
    try {
        parse_scenario_text(text, "t.toml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected a ScenarioError";
    return "";
}

// The same, or "" when the text parses: for tests that assert that it does.
inline std::string errors_or_nothing(const std::string& text) {
    try {
        parse_scenario_text(text, "t.toml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}

// Each diagnostic of the ScenarioError for `text` parsed as `label`, within kRoomy; a test failure, and
// none, when it parses.
inline std::vector<std::string> diagnostics_of(const std::string& text, const std::string& label) {
    try {
        parse_scenario_text(text, label, kRoomy);
    } catch (const ScenarioError& e) {
        return e.diagnostics();
    }
    ADD_FAILURE() << "expected a ScenarioError";
    return {};
}

}  // namespace lab::runner::test
