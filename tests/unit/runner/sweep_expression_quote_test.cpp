// A sweep expression that cannot be worked out is quoted in its error, but a long one only in part: a
// generated 100 KB expression gave a 100 KB message, once for every cell. Now a message stays a line, and
// the cells of a sweep that share the mistake share one message (the plan prints it once, naming them).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scenario_parser.hpp"
#include "runner/sweep_plan.hpp"
#include "runner/sweep_substitution.hpp"

namespace lab::runner {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using SweepCell = std::vector<record::SweepValue>;

std::string long_sum(std::size_t terms) {
    std::string text = "1";
    for (std::size_t i = 1; i < terms; ++i) text += " + 1";
    return text;
}

std::string error_of(const Parsed<double>& p) { return std::get<ParseError>(p).message; }
std::string error_of(const Parsed<std::string>& p) { return std::get<ParseError>(p).message; }

TEST(SweepExpressionQuote, AShortExpressionIsQuotedWholeWithThePosition) {
    EXPECT_EQ(error_of(evaluate_arithmetic("30 +")), "'30 +': expected a number at character 5");
    EXPECT_EQ(error_of(evaluate_arithmetic("30 x")), "'30 x': unexpected 'x' at character 4");
}

TEST(SweepExpressionQuote, ALongExpressionIsQuotedUpToItsMistakeOnly) {
    const std::string text = long_sum(25000) + " + x";  // 100 KB
    ASSERT_GT(text.size(), 100000u);
    const std::string message = error_of(evaluate_arithmetic(text));
    EXPECT_LT(message.size(), 200u) << message.substr(0, 300);
    EXPECT_EQ(message, "'… + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + x': expected a number, not 'x' "
                       "where this excerpt of the expression ends");
    // A mistake near the start: the excerpt is the start, cut where the expression goes on.
    const std::string early = error_of(evaluate_arithmetic("1 + * " + long_sum(100)));
    EXPECT_THAT(early, HasSubstr("'1 + *"));
    EXPECT_THAT(early, HasSubstr("…': expected a number, not '*'"));
    EXPECT_LT(early.size(), 200u);
    // Not finite: the beginning is quoted.
    std::string huge = "1";
    for (int i = 0; i < 40; ++i) huge += " * 100000000000000000000";
    EXPECT_THAT(error_of(evaluate_arithmetic(huge)), HasSubstr("…' is not a finite number"));
    EXPECT_LT(error_of(evaluate_arithmetic(huge)).size(), 120u);
}

TEST(SweepExpressionQuote, AnExcerptIsNeverCutInsideACharacter) {
    const std::string text = long_sum(30) + " + é";  // 'é' is two bytes
    const std::string message = error_of(evaluate_arithmetic(text));
    EXPECT_THAT(message, HasSubstr("+ é': expected a number, not 'é' where"));
    std::string multi;
    for (int i = 0; i < 60; ++i) multi += "é";  // 120 bytes, no ASCII to cut at
    const std::string m = error_of(evaluate_arithmetic(multi));
    // Whatever the cut, the quote is valid UTF-8: every 'é' is whole.
    const auto quote = m.substr(0, m.find("': "));
    for (std::size_t i = 0; i < quote.size(); ++i)
        if (static_cast<unsigned char>(quote[i]) == 0xC3) {
            ASSERT_LT(i + 1, quote.size());
            EXPECT_EQ(static_cast<unsigned char>(quote[i + 1]), 0xA9);
        }
}

// Inside a reference the names are worked out in place: the message quotes the reference as written, not
// the cell's numbers, so every cell says the same.
TEST(SweepExpressionQuote, AReferencesMistakeIsSaidOfTheReferenceAsWrittenAlikeInEveryCell) {
    const SweepCell small{{"backlog", "1", 1}};
    const SweepCell large{{"backlog", "12345678", 12345678}};
    const std::string short_ref = "${sweep.backlog + }";
    EXPECT_EQ(error_of(substitute_sweep(short_ref, small)), "'${sweep.backlog + }': 'backlog + ': expected a number at character 11");
    EXPECT_EQ(error_of(substitute_sweep(short_ref, small)), error_of(substitute_sweep(short_ref, large)));

    const std::string long_ref = "${sweep.backlog + " + long_sum(25000) + " + )}";
    const std::string a = error_of(substitute_sweep(long_ref, small));
    EXPECT_EQ(a, error_of(substitute_sweep(long_ref, large)));
    EXPECT_LT(a.size(), 250u) << a.substr(0, 300);
    EXPECT_THAT(a, HasSubstr("'${sweep.backlog + 1 + 1"));
    EXPECT_THAT(a, HasSubstr("+ 1 + )': expected a number, not ')' where this excerpt of the expression ends"));
    EXPECT_THAT(a, Not(HasSubstr("12345678")));

    // Names still work, and still say what is wrong with them.
    EXPECT_EQ(std::get<std::string>(substitute_sweep("${sweep.2 * backlog + 1}", small)), "3");
    EXPECT_EQ(std::get<std::string>(substitute_sweep("${sweep.(backlog - 1) / 2}", large)), "6172838.5");
    EXPECT_EQ(error_of(substitute_sweep("${sweep.backlog + nope}", small)),
              "'${sweep.nope}' names no variable of [sweep] (declared: backlog)");
    const SweepCell text_valued{{"delay", "25ms", std::nullopt}};
    EXPECT_EQ(error_of(substitute_sweep("${sweep.delay + 1}", text_valued)),
              "'${sweep.delay + 1}': 'delay' is not a number (25ms), so it cannot be worked with");
    const std::string long_name(200, 'q');
    EXPECT_LT(error_of(substitute_sweep("${sweep." + long_name + " + 1}", small)).size(), 200u);
}

// The whole path: a sweep of 50 cells whose `copies` holds a long (5 KB) expression with a mistake. The
// plan reports it once, not once per cell, and the report is a few hundred bytes, not 50 × 5 KB.
TEST(SweepExpressionQuote, APlanSaysALongExpressionsMistakeOnceForAllCells) {
    std::string values;
    for (int i = 1; i <= 50; ++i) values += (values.empty() ? "" : ", ") + std::to_string(i * 1000);
    const std::string expression = "${sweep.n} + " + long_sum(1250) + " + x";
    const std::string text = "[scenario]\nname = \"long-expression\"\nsummary = \"a long expression with a mistake\"\ntime_limit = \"5s\"\n\n[sweep.vars]\nn = [" + values +
                             "]\n\n[hosts.a]\n\n[[steps]]\nat = \"0s\"\nrun = { name = \"p\", host = \"a\", command = "
                             "[\"true\"], copies = \"" + expression + "\" }\n";
    const std::filesystem::path file = std::filesystem::path(::testing::TempDir()) /
                                       ("long-expression-" + std::to_string(::getpid()) + ".toml");
    std::ofstream(file) << text;
    struct Remove {
        std::filesystem::path p;
        ~Remove() { std::filesystem::remove(p); }
    } remove{file};
    try {
        plan_sweep(file.string());
        FAIL() << "the plan accepted a mistaken expression";
    } catch (const ScenarioError& e) {
        std::size_t bytes = 0;
        for (const auto& d : e.diagnostics()) bytes += d.size();
        ASSERT_EQ(e.diagnostics().size(), 1u) << e.diagnostics().front().substr(0, 400);
        EXPECT_LT(bytes, 400u) << e.diagnostics().front().substr(0, 600);
        EXPECT_THAT(e.diagnostics().front(), HasSubstr("expected a number, not 'x'"));
    }
}

}  // namespace
}  // namespace lab::runner
