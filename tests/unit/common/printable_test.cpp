#include "common/printable.hpp"

#include <string>

#include <gtest/gtest.h>

namespace {

using lab::LineBreaks;
using lab::printable;
using lab::shortened;

TEST(Printable, PlainTextAndUtf8AreUnchanged) {
    EXPECT_EQ(printable("backlog-30-netcat"), "backlog-30-netcat");
    EXPECT_EQ(printable("≥ 31 — naïve 名前 😀"), "≥ 31 — naïve 名前 😀");
    EXPECT_EQ(printable(R"(C:\path)"), R"(C:\path)");
    EXPECT_EQ(printable(""), "");
}

TEST(Printable, AnsiEscapesAndControlsAreWrittenCStyle) {
    EXPECT_EQ(printable("\x1b[2J\x1b[Hx"), "\\x1b[2J\\x1b[Hx");
    EXPECT_EQ(printable("a\nb\tc\rd"), "a\\nb\\tc\\rd");
    EXPECT_EQ(printable(std::string_view("\0\x07\x08\x0b\x0c\x7f", 6)), "\\x00\\a\\b\\v\\f\\x7f");
}

TEST(Printable, KeepOnlyKeepsNewlines) {
    EXPECT_EQ(printable("one\ntwo\x1b[31m\r", LineBreaks::Keep), "one\ntwo\\x1b[31m\\r");
}

TEST(Printable, C1ControlsAndBrokenUtf8AreEscaped) {
    EXPECT_EQ(printable("a\xc2\x9b" "31mb"), "a\\u009b31mb");  // U+009B: CSI on some terminals
    EXPECT_EQ(printable("\xc2\xa0"), "\xc2\xa0");               // U+00A0 is printable
    EXPECT_EQ(printable("x\x9by"), "x\\x9by");                    // a lone continuation byte
    EXPECT_EQ(printable("\xe2\x89"), "\\xe2\\x89");               // a sequence cut short
    EXPECT_EQ(printable("\xff\xc0\x80"), "\\xff\\xc0\\x80");      // bytes UTF-8 never uses
}

TEST(Shortened, KeepsWhatFitsAndCutsTheRestBetweenCharacters) {
    EXPECT_EQ(shortened("a(b", 3), "a(b");
    EXPECT_EQ(shortened("abcdef", 3, 2), "ab...");
    // "é" is two bytes: a cut at byte 2 would split it, so the head ends before it.
    EXPECT_EQ(shortened("a\xc3\xa9" "bcd", 4, 2), "a...");
    EXPECT_EQ(shortened(std::string(2000, 'x'), 1024), std::string(60, 'x') + "...");
}

}  // namespace
