#pragma once
// Scenario diagnostics ("file:line:column: message") as JSON objects for --json output:
// {"file", "line", "column", "message", "text"} — the location split out so that a CI system can annotate
// the line, and the whole text as lab prints it. A diagnostic without a location has only message and text.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lab::cli {

nlohmann::json diagnostic_json(const std::string& text);
nlohmann::json diagnostics_json(const std::vector<std::string>& texts);

}  // namespace lab::cli
