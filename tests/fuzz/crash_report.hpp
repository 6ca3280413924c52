#pragma once
// Names the input when the parser brings the process down. Before each parse the fuzzer leaves a
// line here ("seed 1 file 42 (...)"); a sanitizer report (through the sanitizer's death callback) or
// a fatal signal prints it to stderr before the process dies, so the failure names the file that was
// kept for reproduction. Under AddressSanitizer its own SEGV handler reports and this one stays out.
#include <string_view>

namespace lab::fuzz {

void install_crash_report();
// Async-signal-safe to print: copied into a static buffer (cut at 4 KiB).
void set_crash_report(std::string_view line);

}  // namespace lab::fuzz
