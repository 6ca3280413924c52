// The fuzzer finds keys and values to swap and replace in text that may already be broken.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/fuzz/assignment_scanner.hpp"

namespace {

using lab::fuzz::scan_assignments;
using lab::fuzz::scan_strings;

std::vector<std::string> pairs_of(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& a : scan_assignments(text))
        out.push_back(std::string(text.substr(a.key.begin, a.key.size())) + "|" +
                      std::string(text.substr(a.value.begin, a.value.size())));
    return out;
}

TEST(AssignmentScanner, FindsKeysValuesAndThePairsInsideInlineTables) {
    const std::string text = "[scenario]\nname = \"x = y\"  # a = comment\ntime_limit = 20\n"
                             "run = { name = \"srv\", args = [\"--port\", \"9\"] }\n"
                             "sysctl = { \"net.ipv4.tcp_syncookies\" = 0 }\n";
    EXPECT_EQ(pairs_of(text), (std::vector<std::string>{
                                  "name|\"x = y\"",
                                  "time_limit|20",
                                  "run|{ name = \"srv\", args = [\"--port\", \"9\"] }",
                                  "name|\"srv\"",
                                  "args|[\"--port\", \"9\"]",
                                  "sysctl|{ \"net.ipv4.tcp_syncookies\" = 0 }",
                                  "\"net.ipv4.tcp_syncookies\"|0",
                              }));
}

TEST(AssignmentScanner, SurvivesBrokenText) {
    EXPECT_EQ(pairs_of("a = \"unterminated\nb = [1, {c = 2\n"),
              (std::vector<std::string>{"a|\"unterminated", "b|[1, {c = 2\n", "c|2"}));
    EXPECT_TRUE(pairs_of("= = =").empty());
    EXPECT_TRUE(pairs_of("").empty());
}

TEST(AssignmentScanner, FindsStringsOfEveryKindButNotInComments) {
    const std::string text = "a = 'lit' # \"not\"\nb = \"\"\"multi\n\"line\"\"\"\nc = \"esc\\\"aped\"\n";
    std::vector<std::string> found;
    for (const auto& s : scan_strings(text)) found.push_back(text.substr(s.begin, s.size()));
    EXPECT_EQ(found, (std::vector<std::string>{"'lit'", "\"\"\"multi\n\"line\"\"\"", "\"esc\\\"aped\""}));
}

}  // namespace
