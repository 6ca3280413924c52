#pragma once
// Text placed into Markdown (table cells, list items, headings) that must read as itself whatever it
// contains: a "|" would split a table cell, "*" or "`" start emphasis or code, "<b>" become HTML.
#include <string>
#include <string_view>

namespace lab::analysis {

// Backslash-escapes \ | * ` < > [ ] ~ & and # (the punctuation CommonMark and GitHub give a meaning in
// running text), and "_" except inside a word, where it cannot start emphasis ("tcp_syncookies" stays
// readable). Line breaks and other control characters become spaces: a cell or a heading is one line.
std::string markdown_escape(std::string_view text);

}  // namespace lab::analysis
