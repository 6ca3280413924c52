#include "analysis/comparison_table.hpp"

#include <map>
#include <optional>

#include <fmt/format.h>

#include "analysis/number_text.hpp"
#include "common/printable.hpp"

namespace lab::analysis {
namespace {

constexpr const char* kNone = "—";

std::string or_none(const std::string& s) { return s.empty() ? kNone : s; }

const record::Verdict* find_verdict(const std::vector<record::Verdict>& vs, const std::string& id) {
    for (const auto& v : vs)
        if (v.id == id) return &v;
    return nullptr;
}

}  // namespace

std::string kernel_label(const record::RunRecord& r) {
    std::string label = r.run.kernel.empty() ? std::string("unknown kernel") : r.run.kernel;
    if (!r.run.impairment_backend.empty() && r.run.impairment_backend != "none")
        label += fmt::format(" [{}]", r.run.impairment_backend);
    return label;
}

Comparison compare_runs(const std::vector<JudgedRun>& runs, std::size_t width) {
    Comparison c;
    if (runs.empty()) return c;
    c.scenario = runs.front().record.scenario.name;
    // Expectation ids in the order of first appearance over all runs.
    std::vector<std::string> ids;
    std::map<std::string, std::string> expected, names;
    for (const auto& run : runs) {
        c.labels.push_back(run.label);
        for (const auto& v : run.verdicts)
            if (!expected.count(v.id)) {
                ids.push_back(v.id);
                expected[v.id] = v.expected;
                names[v.id] = v.description.empty() ? printable(v.id) : printable(v.description, LineBreaks::Keep);
            }
    }
    c.expectations = ids.size();

    std::vector<TableColumn> columns = {{"expectation", 0}, {"expected", 22}};
    for (const auto& run : runs) {
        columns.push_back({run.label, 16});
        columns.push_back({"verdict", 7});
    }
    columns.push_back({"", 8});
    std::vector<TableRow> rows;
    for (const auto& id : ids) {
        TableRow row;
        row.cells = {names[id], or_none(expected[id])};
        std::optional<std::string> first_status, first_observed;
        bool status_differs = false, observed_differs = false;
        std::string per_kernel;
        for (const auto& run : runs) {
            const record::Verdict* v = find_verdict(run.verdicts, id);
            std::string status = v ? record::to_string(v->status) : "absent";
            std::string observed = v ? or_none(v->observed) : kNone;
            row.cells.push_back(observed);
            row.cells.push_back(status);
            if (!first_status) {
                first_status = status;
                first_observed = observed;
            } else {
                status_differs |= status != *first_status;
                observed_differs |= observed != *first_observed;
            }
            per_kernel += fmt::format("{}{}: {} ({})", per_kernel.empty() ? "" : "; ", run.label, status, observed);
        }
        if (status_differs) {
            ++c.verdicts_differ;
            row.cells.push_back("VERDICT");
            c.differences.push_back(printable(fmt::format("{}: verdict differs — {}", id, per_kernel)));
        } else if (observed_differs) {
            ++c.observations_differ;
            row.cells.push_back("value");
            c.differences.push_back(
                printable(fmt::format("{}: same verdict, observed value differs — {}", id, per_kernel)));
        } else {
            row.cells.push_back("");
        }
        rows.push_back(std::move(row));
    }

    std::string out = fmt::format("scenario     {}\n", printable(or_none(c.scenario)));
    for (const auto& run : runs)
        out += printable(fmt::format("kernel       {} — {} ({}), outcome {}, wall {}", run.label,
                                     or_none(run.record.run.kernel), or_none(run.record.run.machine),
                                     record::to_string(run.record.run.outcome), seconds_text(run.record.run.wall_seconds))) +
               '\n';
    out += '\n';
    out += render_text_table(columns, rows, width);
    out += fmt::format("\n{} expectation{} on {} kernels: ", c.expectations, c.expectations == 1 ? "" : "s", runs.size());
    if (c.verdicts_differ == 0 && c.observations_differ == 0) {
        out += "the same verdicts and observations on every kernel\n";
    } else {
        out += fmt::format("{} verdict{} differ, {} observation{} differ with the same verdict\n", c.verdicts_differ,
                           c.verdicts_differ == 1 ? "" : "s", c.observations_differ,
                           c.observations_differ == 1 ? "" : "s");
        for (const auto& d : c.differences) out += "  " + d + '\n';
    }
    c.table = out;
    return c;
}

}  // namespace lab::analysis
