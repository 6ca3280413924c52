#include "lab/cli/run_summary_json.hpp"

#include <filesystem>

#include "lab/cli/commands.hpp"

namespace lab::cli {
namespace {

const char* status_name(int status) {
    return status == kExitPass ? "pass" : status == kExitFail ? "fail" : "error";
}

nlohmann::json run_json(const record::RunRecord& r) {
    std::size_t pass = 0, fail = 0, skip = 0;
    for (const auto& v : r.verdicts)
        (v.status == record::VerdictStatus::Pass ? pass : v.status == record::VerdictStatus::Fail ? fail : skip)++;
    nlohmann::json metrics = nlohmann::json::array();
    for (const auto& m : r.metric_values)
        metrics.push_back({{"id", m.id}, {"value", m.value ? nlohmann::json(*m.value) : nlohmann::json(nullptr)},
                           {"problem", m.problem}});
    const bool has_record = !r.run.directory.empty();
    return {{"scenario", r.scenario.name},
            {"file", r.scenario.file},
            {"run_id", r.run.id},
            {"directory", r.run.directory},
            {"record", has_record ? nlohmann::json((std::filesystem::path(r.run.directory) / "record.json").string())
                                  : nlohmann::json(nullptr)},
            {"outcome", record::to_string(r.run.outcome)},
            {"outcome_detail", r.run.outcome_detail},
            {"judged", record::outcome_is_judged(r.run.outcome)},
            {"kernel", r.run.kernel},
            {"impairment_backend", r.run.impairment_backend},
            {"wall_seconds", r.run.wall_seconds},
            {"sweep_cell", r.sweep ? nlohmann::json(r.sweep->cell_id) : nlohmann::json(nullptr)},
            {"counts", {{"pass", pass}, {"fail", fail}, {"skip", skip}}},
            {"verdicts", r.verdicts},
            {"metrics", metrics}};
}

}  // namespace

nlohmann::json run_summary_json(const std::vector<const record::RunRecord*>& records,
                                const std::vector<std::string>& unstable, int status) {
    nlohmann::json runs = nlohmann::json::array();
    for (const record::RunRecord* r : records) runs.push_back(run_json(*r));
    return {{"schema", "lab.run/1"},
            {"status", status_name(status)},
            {"exit_code", status},
            {"runs", runs},
            {"unstable", unstable}};
}

}  // namespace lab::cli
