#include "lab/cli/record_output.hpp"

#include <nlohmann/json.hpp>

#include "analysis/evaluate.hpp"
#include "analysis/observe.hpp"
#include "lab/cli/series_plot_files.hpp"

namespace lab::cli {

std::string judge_and_write(record::RunRecord& record, const sys::Directory& run_directory) {
    record.verdicts = analysis::evaluate(record);
    record.metric_values = analysis::measure(record);
    run_directory.write_file("record.json", record::to_json(record).dump(1) + "\n", 0644);
    return write_series_plots(record, run_directory);
}

}  // namespace lab::cli
