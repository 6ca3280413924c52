#include "runner/kept_output.hpp"

namespace lab::runner {

std::set<std::pair<std::string, std::string>> streams_read_by_output_selectors(const Scenario& s) {
    std::set<std::pair<std::string, std::string>> out;
    auto add = [&](const record::Selection& sel) {
        if (sel.kind == record::ExpectKind::Output) out.emplace(sel.process, sel.output.stream);
    };
    for (const auto& e : s.expectations) add(e);
    for (const auto& m : s.metrics) add(m);
    return out;
}

record::ProcessOutput kept_output(const std::string& process, int instance, const std::string& stream, std::string text) {
    record::ProcessOutput o;
    o.process = process;
    o.instance = instance;
    o.stream = stream;
    o.bytes = text.size();
    if (text.size() > record::kKeptOutputBytes) text.resize(record::kKeptOutputBytes);
    o.text = std::move(text);
    return o;
}

}  // namespace lab::runner
