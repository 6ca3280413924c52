#include "analysis/verdict_table.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "analysis/evaluate.hpp"
#include "analysis/text_width.hpp"
#include "sample_record.hpp"
#include "tests/unit/text_lines.hpp"

namespace lab::analysis {
namespace {

using record::VerdictStatus;
using test::sample_record;
using test::sockets_expect;

using lab::test::lines_of;

// The terminal column at which `needle` starts in `line`, or npos.
std::size_t column_of(const std::string& line, const std::string& needle) {
    auto pos = line.find(needle);
    return pos == std::string::npos ? pos : display_width(std::string_view(line).substr(0, pos));
}

// What `line` holds from terminal column `col` on.
std::string at_column(const std::string& line, std::size_t col) {
    for (std::size_t bytes = 0; bytes <= line.size(); ++bytes)
        if (display_width(std::string_view(line).substr(0, bytes)) == col &&
            (bytes == line.size() || (static_cast<unsigned char>(line[bytes]) & 0xC0) != 0x80))
            return line.substr(bytes);
    return "(line too short)";
}

std::size_t index_of(const std::vector<std::string>& lines, const std::string& prefix) {
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i].rfind(prefix, 0) == 0) return i;
    ADD_FAILURE() << "no line starts with '" << prefix << "'";
    return lines.size();
}

// Four expectations: a pass with "=", a pass with "≥" (3 bytes, 1 column), a failure, a kernel skip.
record::RunRecord judged_record() {
    auto r = sample_record();
    auto est = sockets_expect("established", "steady", "server", {"established"});
    est.description = "established on server";
    est.equals = 31;
    est.documented = "31";
    auto min = sockets_expect("at-least", "steady", "server", {"established"});
    min.description = "at least five";
    min.min = 5;
    auto synrecv = sockets_expect("syn-recv", "steady", "server", {"syn-recv"});
    synrecv.description = "half-open on server";
    synrecv.origin = "scenarios/backlog-30-netcat.toml:52:1";
    synrecv.min = 20;
    synrecv.max = 40;
    auto old = sockets_expect("old-kernel", "steady", "server", {"established"});
    old.description = "old kernels only";
    old.equals = 31;
    old.kernel = "<5.0";
    r.expectations = {est, min, synrecv, old};
    r.verdicts = evaluate(r);
    return r;
}

TEST(VerdictTable, HeaderBlockDescribesTheRun) {
    auto r = judged_record();
    auto lines = lines_of(verdict_table(r, r.verdicts));
    EXPECT_EQ(lines.at(0), "scenario     backlog-30-netcat (scenarios/backlog-30-netcat.toml)");
    EXPECT_EQ(lines.at(1), "summary      listener with backlog 30 never accepts; 100 netcat clients connect");
    EXPECT_EQ(lines.at(2), "source       doc 001, documented on kernel 2.6.26");
    EXPECT_EQ(lines.at(3), "this kernel  6.18.44-fc-v669 (x86_64)");
    EXPECT_EQ(lines.at(4), "impairments  netem");
    EXPECT_EQ(lines.at(5), "run dir      /var/tmp/lab/runs/r1");
    EXPECT_EQ(lines.at(6), "outcome      completed");
    EXPECT_EQ(lines.at(7), "wall time    4.23s");
}

TEST(VerdictTable, OutcomeDetailAndMissingSourceShow) {
    auto r = judged_record();
    r.run.outcome = record::RunOutcome::TimeLimit;
    r.run.outcome_detail = "60s reached";
    r.scenario.source_doc.clear();
    r.scenario.source_kernel.clear();
    auto text = verdict_table(r, r.verdicts);
    EXPECT_NE(text.find("\noutcome      time-limit: 60s reached\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\nsource       —\n"), std::string::npos) << text;
}

TEST(VerdictTable, ColumnsAlignAcrossMultibyteCells) {
    auto r = judged_record();
    auto lines = lines_of(verdict_table(r, r.verdicts));
    std::size_t header = index_of(lines, "expectation");
    std::size_t observed_col = column_of(lines[header], "observed");
    std::size_t documented_col = column_of(lines[header], "documented");
    std::size_t verdict_col = column_of(lines[header], "verdict");
    ASSERT_NE(observed_col, std::string::npos);

    const std::string& eq_row = lines[index_of(lines, "established on server")];
    const std::string& ge_row = lines[index_of(lines, "at least five")];
    ASSERT_NE(ge_row.find("≥ 5"), std::string::npos);
    EXPECT_EQ(at_column(eq_row, observed_col), "31        31          pass");
    EXPECT_EQ(at_column(ge_row, observed_col), "31        —           pass");
    EXPECT_EQ(at_column(eq_row, documented_col), "31          pass");
    EXPECT_EQ(at_column(ge_row, documented_col), "—           pass");
    EXPECT_EQ(at_column(ge_row, verdict_col), "pass");
    // In bytes the "≥ 5 … —" row is four longer: alignment by bytes would have been wrong.
    EXPECT_EQ(ge_row.find("pass"), eq_row.find("pass") + 4);
}

TEST(VerdictTable, FailingRowShowsOriginAndDetailBeneath) {
    auto r = judged_record();
    auto lines = lines_of(verdict_table(r, r.verdicts));
    std::size_t row = index_of(lines, "half-open on server");
    EXPECT_NE(lines[row].find("in [20, 40]"), std::string::npos);
    EXPECT_NE(lines[row].find("FAIL"), std::string::npos);
    ASSERT_LT(row + 1, lines.size());
    EXPECT_EQ(lines[row + 1], "    scenarios/backlog-30-netcat.toml:52:1: observed 2, expected in [20, 40]");
    // a passing row has no note
    std::size_t pass_row = index_of(lines, "established on server");
    EXPECT_EQ(lines[pass_row + 1].rfind("at least five", 0), 0u);
}

TEST(VerdictTable, SkippedRowShowsWhy) {
    auto r = judged_record();
    auto lines = lines_of(verdict_table(r, r.verdicts));
    std::size_t row = index_of(lines, "old kernels only");
    EXPECT_NE(lines[row].find("skip"), std::string::npos);
    EXPECT_EQ(lines.at(row + 1), "    kernel 6.18.44 not in <5.0");
}

TEST(VerdictTable, EndsWithTheTally) {
    auto r = judged_record();
    auto lines = lines_of(verdict_table(r, r.verdicts));
    EXPECT_EQ(lines.back(), "2/4 expectations passed, 1 failed, 1 skipped");
}

TEST(VerdictTable, LongDescriptionsWrapWithinTheWidth) {
    auto r = judged_record();
    r.verdicts[0].description =
        "ESTABLISHED sockets on the server equal backlog plus one, because the kernel completes the handshake "
        "for one connection more than the backlog and then drops the final ACK of every other client";
    r.verdicts[1].expected = "= observed of 'a-rather-long-expectation-id' (31)";
    auto text = verdict_table(r, r.verdicts);
    for (const auto& line : lines_of(text)) EXPECT_LE(display_width(line), 120u) << line;
    for (const char* word : {"ESTABLISHED", "handshake", "final", "client"}) EXPECT_NE(text.find(word), std::string::npos);
    // the continuation lines of the wrapped description stay in the first column
    auto lines = lines_of(text);
    std::size_t row = index_of(lines, "ESTABLISHED sockets");
    EXPECT_NE(lines[row + 1].front(), ' ');
}

TEST(VerdictTable, NarrowTerminal) {
    auto r = judged_record();
    for (const auto& line : lines_of(verdict_table(r, r.verdicts, 80))) EXPECT_LE(display_width(line), 80u) << line;
}

// Names and descriptions come from a scenario file (or a record someone sent): an ANSI escape in one must
// not reach the terminal, and a newline in a name must not forge a line of the table.
TEST(VerdictTable, ControlCharactersFromTheFileAreShownEscaped) {
    auto r = judged_record();
    r.scenario.name = "evil\x1b[2J";
    r.scenario.summary = "first line\nsecond line\x07";
    r.expectations[0].description = "red\x1b[31m text";
    r.expectations[2].id = "two\nlines";
    r.expectations[2].description = "";
    r.verdicts = evaluate(r);
    const std::string text = verdict_table(r, r.verdicts);
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_EQ(text.find('\x07'), std::string::npos);
    EXPECT_NE(text.find("evil\\x1b[2J"), std::string::npos) << text;
    EXPECT_NE(text.find("red\\x1b[31m text"), std::string::npos) << text;
    EXPECT_NE(text.find("two\\nlines"), std::string::npos) << text;
    auto lines = lines_of(text);
    EXPECT_EQ(lines[index_of(lines, "summary")], "summary      first line");  // prose keeps its line breaks
    EXPECT_EQ(lines[index_of(lines, "summary") + 1], "             second line\\a");

    const std::string markdown = verdict_table_markdown(r, r.verdicts);
    EXPECT_EQ(markdown.find('\x1b'), std::string::npos);
    EXPECT_NE(markdown.find("evil\\\\x1b\\[2J"), std::string::npos) << markdown;
}

TEST(VerdictTableMarkdown, TableRowsAndFailureList) {
    auto r = judged_record();
    r.verdicts[0].description = "a | b";  // must not split the cell
    auto md = verdict_table_markdown(r, r.verdicts);
    auto lines = lines_of(md);
    EXPECT_EQ(lines.at(0), "### backlog-30-netcat");
    EXPECT_NE(md.find("- **this kernel:** 6.18.44-fc-v669 (x86\\_64)\n"), std::string::npos) << md;
    EXPECT_NE(md.find("\n| expectation | expected | observed | documented | verdict |\n|---|---|---|---|---|\n"),
              std::string::npos);
    EXPECT_NE(md.find("\n| a \\| b | = 31 | 31 | 31 | pass |\n"), std::string::npos) << md;
    EXPECT_NE(md.find("\n| at least five | ≥ 5 | 31 | — | pass |\n"), std::string::npos) << md;
    EXPECT_NE(md.find("\n| half-open on server | in \\[20, 40\\] | 2 | — | **FAIL** |\n"), std::string::npos) << md;
    EXPECT_NE(md.find("\n- **FAIL** `syn-recv` at `scenarios/backlog-30-netcat.toml:52:1`: observed 2, expected in "
                      "\\[20, 40\\]\n"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("\n- skip `old-kernel`: kernel 6.18.44 not in \\<5.0\n"), std::string::npos) << md;
    EXPECT_EQ(lines.back(), "**2/4 expectations passed, 1 failed, 1 skipped**");
}

}  // namespace
}  // namespace lab::analysis
