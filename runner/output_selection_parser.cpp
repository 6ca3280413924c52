#include "runner/output_selection_parser.hpp"

#include <fmt/format.h>

#include "common/capture_pattern.hpp"
#include "common/printable.hpp"

namespace lab::runner {
void parse_output_selection(const toml::table& s, TomlReader& r, const std::set<std::string>& processes,
                            record::Selection& e) {
    e.kind = record::ExpectKind::Output;
    r.reject_unknown_keys(s, {"process", "stream", "pattern", "matches", "instance", "per_instance"}, "output");
    if (auto p = r.string(s, "process", true)) {
        e.process = *p;
        if (!processes.count(e.process))
            r.error(*s.get("process"), fmt::format("no process named '{}' is started by any step", e.process));
    }
    e.output.stream = r.string(s, "stream", false).value_or("stdout");
    if (e.output.stream != "stdout" && e.output.stream != "stderr")
        r.error(*s.get("stream"), fmt::format("stream '{}' is unknown (stdout or stderr)", e.output.stream));
    if (auto pattern = r.string(s, "pattern", true)) {
        e.output.pattern = *pattern;
        auto compiled = CapturePattern::compile(*pattern);
        if (auto* problem = std::get_if<ParseError>(&compiled))
            r.error(*s.get("pattern"), fmt::format("pattern '{}' {}", shortened(*pattern, CapturePattern::kPatternBytes), problem->message));
    }
    e.output.matches = r.string(s, "matches", false).value_or("sum");
    if (e.output.matches != "sum" && e.output.matches != "last" && e.output.matches != "count")
        r.error(*s.get("matches"),
                fmt::format("matches '{}' is unknown (sum, last or count)", e.output.matches));
    if (auto i = r.integer(s, "instance", false, 0, 9999)) e.output.instance = static_cast<int>(*i);
    e.output.per_instance = r.string(s, "per_instance", false).value_or("");
    if (!e.output.per_instance.empty() && e.output.per_instance != "min" && e.output.per_instance != "max")
        r.error(*s.get("per_instance"),
                fmt::format("per_instance '{}' is unknown (min or max)", e.output.per_instance));
    if (e.output.instance && !e.output.per_instance.empty())
        r.error(*s.get("per_instance"), "'instance' picks one copy, 'per_instance' folds all of them: give one");
}

}  // namespace lab::runner
