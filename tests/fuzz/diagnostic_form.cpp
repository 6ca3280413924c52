#include "tests/fuzz/diagnostic_form.hpp"

#include <cstddef>

namespace lab::fuzz {
namespace {

// Reads a positive decimal number at `at` followed by ':'; moves `at` past the ':'.
bool positive_number_then_colon(std::string_view text, std::size_t& at) {
    const std::size_t begin = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    if (at == begin || at - begin > 9 || at >= text.size() || text[at] != ':') return false;
    if (text.substr(begin, at - begin).find_first_not_of('0') == std::string_view::npos) return false;  // 0
    ++at;
    return true;
}

}  // namespace

DiagnosticForm classify_diagnostic(std::string_view diagnostic, std::string_view file) {
    if (!diagnostic.starts_with(file) || diagnostic.size() <= file.size() || diagnostic[file.size()] != ':')
        return DiagnosticForm::unlocated;
    std::size_t at = file.size() + 1;
    if (!positive_number_then_colon(diagnostic, at) || !positive_number_then_colon(diagnostic, at))
        return DiagnosticForm::unlocated;
    if (at >= diagnostic.size() || diagnostic[at] != ' ' || at + 1 >= diagnostic.size())
        return DiagnosticForm::unlocated;
    for (char c : diagnostic) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return DiagnosticForm::control_character;
    }
    return DiagnosticForm::located;
}

}  // namespace lab::fuzz
