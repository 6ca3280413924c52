#pragma once
// Text that came from a scenario file or a record (names, ids, descriptions, values) as it may be echoed
// on a terminal: control characters written C-style, so that a name can neither clear the screen (an ANSI
// escape) nor split a one-line "file:line:column: message" in two (a newline).
#include <cstddef>
#include <string>
#include <string_view>

namespace lab {

// Keep: prose such as a summary, whose newlines are line breaks a table lays out; every other control
// character is still escaped.
enum class LineBreaks { Escape, Keep };

// ESC → \x1b, newline → \n, tab → \t (and \a \b \v \f \r), any other C0 control or DEL → \xNN; the C1
// controls (U+0080..U+009F, which some terminals obey like ESC [) → \u00NN; a byte that is not part of
// valid UTF-8 → \xNN. Everything else, backslashes included, is left as it is: this is for reading,
// not a reversible encoding.
std::string printable(std::string_view text, LineBreaks line_breaks = LineBreaks::Escape);

// A long input (a pattern, a filter) as an error message quotes it: whole when it is at most `whole_up_to`
// bytes, else its first `head` bytes, never cut inside a UTF-8 character, and "...".
std::string shortened(std::string_view text, std::size_t whole_up_to, std::size_t head = 60);

}  // namespace lab
