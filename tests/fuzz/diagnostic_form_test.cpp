// A scenario diagnostic is "FILE:LINE:COLUMN: message" on one printable line.
#include <gtest/gtest.h>

#include "tests/fuzz/diagnostic_form.hpp"

namespace {

using lab::fuzz::classify_diagnostic;
using lab::fuzz::DiagnosticForm;

TEST(DiagnosticForm, AcceptsALocatedPrintableLine) {
    EXPECT_EQ(classify_diagnostic("/tmp/a.toml:12:3: unknown key 'x' in [scenario]", "/tmp/a.toml"),
              DiagnosticForm::located);
    EXPECT_EQ(classify_diagnostic("a.toml:1:1: é 名前", "a.toml"), DiagnosticForm::located);
}

TEST(DiagnosticForm, RefusesWhatDoesNotNameTheFileLineAndColumn) {
    EXPECT_EQ(classify_diagnostic("unknown key 'x'", "a.toml"), DiagnosticForm::unlocated);
    EXPECT_EQ(classify_diagnostic("b.toml:1:1: x", "a.toml"), DiagnosticForm::unlocated);
    EXPECT_EQ(classify_diagnostic("a.toml: cannot open", "a.toml"), DiagnosticForm::unlocated);
    EXPECT_EQ(classify_diagnostic("a.toml:0:1: x", "a.toml"), DiagnosticForm::unlocated);
    EXPECT_EQ(classify_diagnostic("a.toml:3:0: x", "a.toml"), DiagnosticForm::unlocated);
    EXPECT_EQ(classify_diagnostic("a.toml:3: x", "a.toml"), DiagnosticForm::unlocated);
    EXPECT_EQ(classify_diagnostic("a.toml:3:4:", "a.toml"), DiagnosticForm::unlocated);
    EXPECT_EQ(classify_diagnostic("a.toml:3:4: ", "a.toml"), DiagnosticForm::unlocated);
    EXPECT_EQ(classify_diagnostic("a.toml:x:4: m", "a.toml"), DiagnosticForm::unlocated);
}

TEST(DiagnosticForm, TellsRawControlCharactersApart) {
    EXPECT_EQ(classify_diagnostic("a.toml:3:4: host 'a\x1b[31m' is not valid", "a.toml"),
              DiagnosticForm::control_character);
    EXPECT_EQ(classify_diagnostic("a.toml:3:4: two\nlines", "a.toml"), DiagnosticForm::control_character);
    EXPECT_EQ(classify_diagnostic("a.toml:3:4: del\x7f", "a.toml"), DiagnosticForm::control_character);
    EXPECT_EQ(classify_diagnostic("a.toml:3:4: shown as \\x1b", "a.toml"), DiagnosticForm::located);
}

}  // namespace
