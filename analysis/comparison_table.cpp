#include "analysis/comparison_table.hpp"

#include <map>
#include <optional>

#include <fmt/format.h>

#include "analysis/number_text.hpp"
#include "analysis/text_table.hpp"
#include "analysis/timeline_lateness.hpp"
#include "common/printable.hpp"

namespace lab::analysis {
namespace {

const record::Verdict* find_verdict(const std::vector<record::Verdict>& vs, const std::string& id) {
    for (const auto& v : vs)
        if (v.id == id) return &v;
    return nullptr;
}

const record::Expectation* find_expectation(const record::RunRecord& r, const std::string& id) {
    for (const auto& e : r.expectations)
        if (e.id == id) return &e;
    return nullptr;
}

// evaluate() words a kernel condition's skip "kernel 6.1.0 not in >=6.2".
bool skipped_by_kernel_condition(const record::Verdict& v) {
    return v.status == record::VerdictStatus::Skip && v.detail.rfind("kernel ", 0) == 0;
}

// Whether what expectation `id` reads was observed after the run fell behind (`late`: its late_steps):
// its snapshot, or any step due before it, started late. Events and exit codes span the run, so any late
// step counts for them.
bool observed_late(const record::RunRecord& r, const std::vector<LateStep>& late, const std::string& id) {
    const record::Expectation* e = find_expectation(r, id);
    if (late.empty() || (e && e->at == "start")) return false;
    if (!e || e->at.empty() || e->at == "end") return true;
    const std::string step = fmt::format("snapshot '{}'", e->at);
    for (const auto& t : r.timeline) {
        if (t.step != step) continue;
        for (const auto& l : late)
            if (l.timing.due_t <= t.due_t) return true;
        return false;
    }
    return true;  // a snapshot the run never reached
}

}  // namespace

std::string kernel_label(const record::RunRecord& r) {
    std::string label = r.run.kernel.empty() ? std::string("unknown kernel") : r.run.kernel;
    if (!r.run.impairment_backend.empty() && r.run.impairment_backend != "none")
        label += fmt::format(" [{}]", r.run.impairment_backend);
    return label;
}

const char* to_string(Difference d) {
    switch (d) {
        case Difference::None: return "";
        case Difference::Value: return "value";
        case Difference::Kernel: return "kernel";
        case Difference::Late: return "late?";
        case Difference::Verdict: return "VERDICT";
    }
    return "";
}

Comparison compare_runs(const std::vector<JudgedRun>& runs, std::size_t width) {
    Comparison c;
    if (runs.empty()) return c;
    std::vector<std::vector<LateStep>> late_by_run;
    for (const auto& run : runs) late_by_run.push_back(late_steps(run.record, run.verdicts));
    c.scenario = runs.front().record.scenario.name;
    c.summary = runs.front().record.scenario.summary;
    // Expectation ids in the order of first appearance over all runs.
    std::vector<std::string> ids;
    std::map<std::string, ComparedExpectation> by_id;
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const JudgedRun& run = runs[r];
        c.labels.push_back(run.label);
        for (const auto& v : run.verdicts)
            if (!by_id.count(v.id)) {
                ids.push_back(v.id);
                ComparedExpectation& e = by_id[v.id];
                e.id = v.id;
                e.expected = v.expected;
                e.description = v.description.empty() ? printable(v.id) : printable(v.description, LineBreaks::Keep);
                if (const record::Expectation* x = find_expectation(run.record, v.id)) {
                    e.kernel = x->kernel;
                    e.guard = x->guard;
                }
            }
        if (const auto& late = late_by_run[r]; !late.empty())
            c.late_runs.push_back(fmt::format("{}: {}", run.label, late_step_text(late.front())));
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
        ComparedExpectation& e = by_id[id];
        TableRow row;
        row.cells = {e.description, or_none(e.expected)};
        std::optional<std::string> judged_status;  // the status of every run the kernel condition admits
        bool status_differs = false, observed_differs = false, judged_differs = false, kernel_skip = false,
             any_late = false;
        std::string per_kernel;
        for (std::size_t r = 0; r < runs.size(); ++r) {
            const JudgedRun& run = runs[r];
            const record::Verdict* v = find_verdict(run.verdicts, id);
            const std::string status = v ? record::to_string(v->status) : "absent";
            const std::string observed = v ? or_none(v->observed) : kNoneCell;
            const bool late = v && observed_late(run.record, late_by_run[r], id);
            row.cells.push_back(late ? observed + " (late)" : observed);
            row.cells.push_back(status);
            if (!e.status.empty()) {
                status_differs |= status != e.status.front();
                observed_differs |= observed != e.observed.front();
            }
            if (v && skipped_by_kernel_condition(*v)) {
                kernel_skip = true;
            } else {
                if (judged_status && status != *judged_status) judged_differs = true;
                judged_status = status;
            }
            any_late |= late;
            e.status.push_back(status);
            e.observed.push_back(observed);
            e.late.push_back(late);
            per_kernel += fmt::format("{}{}: {} ({}{})", per_kernel.empty() ? "" : "; ", run.label, status, observed,
                                      late ? ", late" : "");
        }
        if (status_differs && kernel_skip && !judged_differs) {
            e.difference = Difference::Kernel;
            ++c.kernel_explained;
            c.differences.push_back(
                printable(fmt::format("{}: judged only on kernels {} — {}", id, e.kernel, per_kernel)));
        } else if (status_differs && any_late) {
            e.difference = Difference::Late;
            ++c.late_suspect;
            c.differences.push_back(printable(fmt::format(
                "{}: verdict differs where a run fell behind its timeline: not a kernel finding — {}", id, per_kernel)));
        } else if (status_differs) {
            e.difference = Difference::Verdict;
            ++c.verdicts_differ;
            c.differences.push_back(printable(fmt::format("{}: verdict differs — {}", id, per_kernel)));
        } else if (observed_differs && !e.guard) {
            e.difference = Difference::Value;
            ++c.observations_differ;
            c.differences.push_back(
                printable(fmt::format("{}: same verdict, observed value differs — {}", id, per_kernel)));
        }
        row.cells.push_back(to_string(e.difference));
        rows.push_back(std::move(row));
        c.rows.push_back(std::move(e));
    }

    std::string out = fmt::format("scenario     {}\n", printable(or_none(c.scenario)));
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const JudgedRun& run = runs[r];
        const auto& late = late_by_run[r];
        out += printable(fmt::format("kernel       {} — {} ({}), outcome {}, wall {}{}", run.label,
                                     or_none(run.record.run.kernel), or_none(run.record.run.machine),
                                     record::to_string(run.record.run.outcome), seconds_text(run.record.run.wall_seconds),
                                     late.empty() ? std::string()
                                                  : ", LATE: " + late_step_text(late.front()))) +
               '\n';
    }
    out += '\n';
    out += render_text_table(columns, rows, width);
    out += fmt::format("\n{} expectation{} on {} kernels: ", c.expectations, c.expectations == 1 ? "" : "s", runs.size());
    if (c.differences.empty()) {
        out += "the same verdicts and observations on every kernel\n";
    } else {
        out += fmt::format("{} verdict{} differ", c.verdicts_differ, c.verdicts_differ == 1 ? "" : "s");
        if (c.kernel_explained) out += fmt::format(", {} by a kernel condition", c.kernel_explained);
        if (c.late_suspect) out += fmt::format(", {} where a run fell behind its timeline", c.late_suspect);
        out += fmt::format(", {} observation{} differ with the same verdict\n", c.observations_differ,
                           c.observations_differ == 1 ? "" : "s");
        for (const auto& d : c.differences) out += "  " + d + '\n';
    }
    if (!c.late_runs.empty()) {
        out += "  The machine could not keep this scenario's time on:";
        for (const auto& l : c.late_runs) out += "\n    " + printable(l);
        out += "\n  Differences there come from its speed, not from its kernel.\n";
    }
    c.table = out;
    return c;
}

}  // namespace lab::analysis
