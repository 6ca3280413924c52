#include "analysis/junit_xml.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analysis/xml_text.hpp"

namespace lab::analysis {
namespace {

struct SuiteCounts {
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    double time = 0;

    SuiteCounts& operator+=(const SuiteCounts& o) {
        tests += o.tests, failures += o.failures, errors += o.errors, skipped += o.skipped, time += o.time;
        return *this;
    }
};

struct Suite {
    SuiteCounts counts;
    std::string xml;
};

std::string counts_attributes(const SuiteCounts& c) {
    return fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3f}\"", c.tests, c.failures,
                       c.errors, c.skipped, c.time);
}

// JUnit's timestamp has no zone: "2026-11-30T15:08:15" (the records' are UTC).
std::string junit_timestamp(const std::string& iso) {
    if (iso.size() >= 19 && iso[10] == 'T') return iso.substr(0, 19);
    return "";
}

std::string cell_values_text(const record::SweepRun& run) {
    std::string out;
    for (const auto& v : run.values) out += fmt::format("{}{}={}", out.empty() ? "" : ",", v.name, v.text);
    return out;
}

std::string classname_of(const record::RunRecord& r) {
    if (!r.sweep) return r.scenario.name.empty() ? "scenario" : r.scenario.name;
    return fmt::format("{}[{}]", r.sweep->sweep, cell_values_text(*r.sweep));
}

std::string suite_name_of(const record::RunRecord& r) {
    std::string name = r.scenario.name.empty() ? "scenario" : r.scenario.name;
    if (r.sweep)
        name = fmt::format("{} {} repeat {}/{}", r.sweep->sweep, cell_values_text(*r.sweep), r.sweep->repeat,
                           r.sweep->repeats);
    return name;
}

std::string failure_body(const record::Verdict& v) {
    std::string body = fmt::format("expected: {}\nobserved: {}\n", v.expected, v.observed);
    if (!v.documented.empty()) body += fmt::format("documented: {}\n", v.documented);
    body += fmt::format("where: {}\ndetail: {}", v.origin, v.detail);
    return body;
}

std::string property(const std::string& name, const std::string& value) {
    return fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", xml_escape(name), xml_escape(value));
}

Suite run_suite(const record::RunRecord& r) {
    Suite s;
    s.counts.time = std::max(0.0, r.run.wall_seconds);
    const std::string classname = xml_escape(classname_of(r));
    const bool run_error = !record::outcome_is_judged(r.run.outcome);
    const std::string outcome_name = record::to_string(r.run.outcome);
    const std::string outcome = r.run.outcome_detail.empty() ? outcome_name : outcome_name + ": " + r.run.outcome_detail;
    std::string cases;
    auto testcase = [&](const std::string& name, const std::string& inner) {
        ++s.counts.tests;
        cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", classname, xml_escape(name));
        cases += inner.empty() ? "/>\n" : ">\n" + inner + "    </testcase>\n";
    };
    if (run_error) {
        // The run never got to observe anything, or was stopped by its user: its verdicts are not findings.
        std::vector<std::string> ids;
        for (const auto& x : r.expectations) ids.push_back(x.id);
        if (ids.empty())
            for (const auto& v : r.verdicts) ids.push_back(v.id);
        if (ids.empty()) ids.push_back("run");
        for (const auto& id : ids) {
            ++s.counts.errors;
            testcase(id, fmt::format("      <error type=\"run-error\" message=\"{}\">{}</error>\n", xml_escape("run " + outcome),
                                     xml_escape(outcome)));
        }
    } else {
        for (const auto& v : r.verdicts) {
            switch (v.status) {
                case record::VerdictStatus::Pass: testcase(v.id, ""); break;
                case record::VerdictStatus::Fail:
                    ++s.counts.failures;
                    testcase(v.id, fmt::format("      <failure type=\"expectation\" message=\"{}\">{}</failure>\n",
                                               xml_escape(fmt::format("expected {}, observed {}", v.expected, v.observed)),
                                               xml_escape(failure_body(v))));
                    break;
                case record::VerdictStatus::Skip:
                    ++s.counts.skipped;
                    testcase(v.id, fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(v.detail)));
                    break;
            }
        }
        if (r.run.outcome != record::RunOutcome::Completed) {
            ++s.counts.errors;
            testcase("run outcome", fmt::format("      <error type=\"{}\" message=\"{}\">{}</error>\n", xml_escape(outcome_name),
                                                xml_escape("the run did not complete: " + outcome), xml_escape(outcome)));
        }
    }

    std::string properties = "    <properties>\n";
    properties += property("scenario.file", r.scenario.file);
    properties += property("kernel", r.run.kernel);
    properties += property("impairment_backend", r.run.impairment_backend);
    properties += property("outcome", outcome_name);
    properties += property("run.id", r.run.id);
    properties += property("run.directory", r.run.directory);
    if (r.sweep) {
        properties += property("sweep", r.sweep->sweep);
        properties += property("sweep.cell_id", r.sweep->cell_id);
        properties += property("sweep.repeat", std::to_string(r.sweep->repeat));
        for (const auto& v : r.sweep->values) properties += property("sweep." + v.name, v.text);
    }
    properties += "    </properties>\n";

    std::string timestamp = junit_timestamp(r.run.started_at);
    s.xml = fmt::format("  <testsuite name=\"{}\" {}{}{}>\n{}{}  </testsuite>\n", xml_escape(suite_name_of(r)), counts_attributes(s.counts),
                        timestamp.empty() ? "" : fmt::format(" timestamp=\"{}\"", timestamp),
                        r.run.hostname.empty() ? "" : fmt::format(" hostname=\"{}\"", xml_escape(r.run.hostname)), properties, cases);
    return s;
}

std::string document(const std::string& name, const std::vector<Suite>& suites) {
    SuiteCounts total;
    for (const auto& s : suites) total += s.counts;
    std::string out = fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" {}>\n", xml_escape(name),
                                  counts_attributes(total));
    for (const auto& s : suites) out += s.xml;
    out += "</testsuites>\n";
    return out;
}

}  // namespace

std::string junit_xml(const std::vector<const record::RunRecord*>& runs, const std::string& name) {
    std::vector<Suite> suites;
    for (const record::RunRecord* r : runs)
        if (r) suites.push_back(run_suite(*r));
    return document(name, suites);
}

std::string sweep_junit_xml(const Sweep& sweep) {
    std::vector<Suite> suites;
    Suite missing;
    for (const auto& cell : sweep.cells) {
        for (const auto& run : cell.runs) suites.push_back(run_suite(run.record));
        if (!cell.in_grid) continue;
        std::string values;
        for (std::size_t i = 0; i < sweep.axes.size(); ++i)
            values += fmt::format("{}{}={}", i ? "," : "", sweep.axes[i].name, cell.values[i]);
        for (int repeat = 0; repeat < sweep.repeats; ++repeat) {
            bool recorded = std::any_of(cell.runs.begin(), cell.runs.end(), [&](const StoredRecord& r) {
                return r.record.sweep && r.record.sweep->repeat == repeat;
            });
            if (recorded) continue;
            ++missing.counts.tests;
            ++missing.counts.errors;
            missing.xml += fmt::format(
                "    <testcase classname=\"{}\" name=\"{}\">\n      <error type=\"missing\" message=\"{}\"/>\n    </testcase>\n",
                xml_escape(fmt::format("{}[{}]", sweep.label, values)), xml_escape(fmt::format("repeat {}", repeat)),
                xml_escape(fmt::format("no record of cell {} repeat {}", cell.name, repeat)));
        }
    }
    if (missing.counts.tests) {
        missing.xml = fmt::format("  <testsuite name=\"{}\" {}>\n{}  </testsuite>\n", xml_escape(sweep.label + ": missing runs"),
                                  counts_attributes(missing.counts), missing.xml);
        suites.push_back(std::move(missing));
    }
    return document(sweep.label.empty() ? "lab sweep" : sweep.label, suites);
}

}  // namespace lab::analysis
