#include "analysis/scenario_list_text.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "analysis/text_width.hpp"
#include "golden_file.hpp"

namespace lab::analysis {
namespace {

std::vector<ScenarioListRow> catalogue() {
    return {
        {"backlog-30-netcat", "seed 001, 2.6.26",
         "Listener with backlog 30 never accepts; 100 netcat clients connect. The accept queue holds backlog + 1 = 31 "
         "connections, the rest stay in SYN-RECV on the server and ESTABLISHED on the client: half-open."},
        {"load-econnreset", "seed 004, 3.2.0",
         "Real ApacheBench (ab -n 1000 -c 1000) through 5 ms of delay each way\nagainst lab-server answering "
         "HTTP/1.0 but accepting only 300 connections a second — ≥ 100 overflows."},
        {"udp", "seed 003, Linux, 2013 (H2O, 'at least 2 modern Linux variants')", "short"},
        {"scenarios/broken.toml", "INVALID", "scenarios/broken.toml:3:1: [scenario] needs 'summary'"},
    };
}

std::size_t widest_line(const std::string& text) {
    std::istringstream in(text);
    std::size_t widest = 0;
    for (std::string line; std::getline(in, line);) widest = std::max(widest, display_width(line));
    return widest;
}

TEST(ScenarioListText, OnATerminalEachScenarioIsOneLineCutToItsWidth) {
    const std::string text = scenario_list_text(catalogue(), 80);
    EXPECT_LE(widest_line(text), 80u);
    EXPECT_GE(widest_line(text), 70u) << "cut at a space near the edge, not far before it";
    test::expect_golden(text, "scenario_list_80.txt");
}

TEST(ScenarioListText, IntoAPipeTheLinesAreWhole) {
    const std::string text = scenario_list_text(catalogue(), std::nullopt);
    EXPECT_NE(text.find("connections, the rest stay in SYN-RECV on the server and ESTABLISHED on the client: half-open.\n"),
              std::string::npos);
    EXPECT_NE(text.find("way against lab-server"), std::string::npos) << "a summary's line breaks become spaces";
    test::expect_golden(text, "scenario_list_whole.txt");
}

TEST(ScenarioListText, ATerminalNarrowerThanNamesAndSourcesShowsNoSummary) {
    const std::string text = scenario_list_text(catalogue(), 20);
    EXPECT_NE(text.find("\nudp                    seed 003, Linux, 2013 (H2O,…\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("variants"), std::string::npos) << "the source column is capped on a terminal";
    EXPECT_EQ(text.find("short"), std::string::npos);
    EXPECT_EQ(text.find("Listener"), std::string::npos);
}

TEST(ScenarioListText, LongWrapsEverySummaryUnderItsName) {
    const std::string text = scenario_list_long_text(catalogue(), 60);
    EXPECT_LE(widest_line(text), 60u);
    EXPECT_NE(text.find("backlog-30-netcat  (seed 001, 2.6.26)\n    Listener with backlog 30"), std::string::npos);
    EXPECT_NE(text.find("\nudp (seed 003, Linux, 2013 (H2O, 'at least 2 modern Linux\n  variants'))\n    short\n"),
              std::string::npos) << "a heading wider than the screen goes on, indented by two";
    test::expect_golden(text, "scenario_list_long_60.txt");
}

}  // namespace
}  // namespace lab::analysis
