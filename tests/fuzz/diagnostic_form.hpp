#pragma once
// What a scenario diagnostic must look like: "FILE:LINE:COLUMN: message", one line, nothing a terminal
// would act on. The fuzzer holds every ScenarioError to it.
#include <string_view>

namespace lab::fuzz {

enum class DiagnosticForm {
    located,            // "FILE:LINE:COLUMN: message", LINE and COLUMN from 1, and printable
    unlocated,          // no "FILE:LINE:COLUMN: " prefix naming `file`, or an empty message
    control_character,  // located, but holds a raw control character (C0, including a newline, or DEL)
};

DiagnosticForm classify_diagnostic(std::string_view diagnostic, std::string_view file);

}  // namespace lab::fuzz
