#pragma once
// Text placed into XML and HTML documents (JUnit reports, the sweep report page). Scenario names,
// variable values and agent output may contain anything: markup characters, control bytes that XML 1.0
// forbids even as references, invalid UTF-8. Everything that reaches a document passes through here.
#include <string>
#include <string_view>

namespace lab::analysis {

// Valid UTF-8 with every character XML 1.0 allows: invalid bytes and forbidden control characters
// become U+FFFD; tab, newline and carriage return stay.
std::string xml_safe_utf8(std::string_view text);

// xml_safe_utf8, then & < > " ' as entities: safe in element content and in quoted attribute values
// alike, in XML and in HTML.
std::string xml_escape(std::string_view text);

}  // namespace lab::analysis
