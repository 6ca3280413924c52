#include "analysis/output_observation.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "common/capture_pattern.hpp"

namespace lab::analysis {
namespace {

std::string file_label(const record::Selection& e, int instance) {
    return fmt::format("processes/{}.{}.{}", e.process, instance, e.output.stream);
}

// One instance's stream folded as `matches` says; nullopt (with the problem) when it gives no number.
struct InstanceNumber {
    std::optional<double> value;
    bool matched = false;
    std::string problem;
};

InstanceNumber fold_lines(const record::Selection& e, const CapturePattern& pattern, const record::ProcessOutput& out) {
    InstanceNumber n;
    double sum = 0, last = 0, count = 0;
    std::size_t line_no = 0;
    std::string_view text = out.text;
    while (!text.empty()) {
        const auto eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const CapturedNumber c = pattern.search(line);
        if (!c.matched) continue;
        n.matched = true;
        ++count;
        if (e.output.matches == "count") continue;
        if (!c.number) {
            n.problem = fmt::format("{}:{}: the pattern's group captured '{}', which is not a number",
                                    file_label(e, out.instance), line_no, c.text);
            return n;
        }
        sum += *c.number;
        last = *c.number;
    }
    if (e.output.matches == "count") n.value = count;
    else if (n.matched) n.value = e.output.matches == "last" ? last : sum;
    return n;
}

}  // namespace

Observation observe_output(const record::RunRecord& r, const record::Selection& e) {
    auto compiled = CapturePattern::compile(e.output.pattern);
    if (auto* problem = std::get_if<ParseError>(&compiled))
        return no_value(fmt::format("pattern '{}' {}", e.output.pattern, problem->message));
    const CapturePattern& pattern = std::get<CapturePattern>(compiled);

    std::map<int, const record::ProcessOutput*> outputs;  // instance → its kept stream
    for (const auto& o : r.outputs)
        if (o.process == e.process && o.stream == e.output.stream) outputs[o.instance] = &o;
    std::vector<int> instances;
    for (const auto& p : r.processes)
        if (p.name == e.process) instances.push_back(p.instance);
    std::sort(instances.begin(), instances.end());
    if (instances.empty())
        return no_value(fmt::format("process '{}' was never started (run outcome: {})", e.process,
                                   record::to_string(r.run.outcome)));
    if (e.output.instance) {
        if (!std::binary_search(instances.begin(), instances.end(), *e.output.instance))
            return no_value(fmt::format("process '{}' has no instance {} (it ran {} of them)", e.process,
                                       *e.output.instance, instances.size()));
        instances = {*e.output.instance};
    }

    std::vector<double> numbers;
    bool any_matched = false;
    for (int i : instances) {
        auto it = outputs.find(i);
        if (it == outputs.end())
            return no_value(fmt::format("the record keeps no {} of '{}' instance {}", e.output.stream, e.process, i));
        const record::ProcessOutput& out = *it->second;
        if (out.bytes > out.text.size())
            return no_value(fmt::format("{} is {} bytes, and the record keeps its first {}: a number read from part "
                                       "of it would be wrong",
                                       file_label(e, i), out.bytes, out.text.size()));
        InstanceNumber n = fold_lines(e, pattern, out);
        if (!n.problem.empty()) return no_value(n.problem);
        any_matched = any_matched || n.matched;
        if (n.value) numbers.push_back(*n.value);
        else if (e.output.matches == "last" || !e.output.per_instance.empty())
            return no_value(fmt::format("no line of {} matches '{}'", file_label(e, i), e.output.pattern));
        else numbers.push_back(0);  // a sum over the instances: this one printed none of it
    }
    if (!any_matched && e.output.matches != "count")
        return no_value(fmt::format("no line of {} matches '{}'",
                                   instances.size() == 1 ? file_label(e, instances.front())
                                                         : fmt::format("processes/{}.*.{}", e.process, e.output.stream),
                                   e.output.pattern));
    if (e.output.per_instance == "min") return Observation{*std::min_element(numbers.begin(), numbers.end()), {}};
    if (e.output.per_instance == "max") return Observation{*std::max_element(numbers.begin(), numbers.end()), {}};
    double total = 0;
    for (double v : numbers) total += v;
    return Observation{total, {}};
}

}  // namespace lab::analysis
