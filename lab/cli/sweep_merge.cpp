#include "lab/cli/sweep_merge.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/merge_order.hpp"
#include "analysis/sweep_overview.hpp"
#include "analysis/sweep_pivot.hpp"
#include "analysis/verdict_counts.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cli/record_files.hpp"
#include "lab/cli/sweep_manifest.hpp"
#include "lab/cli/sweep_reports.hpp"
#include "lab/cluster/shard_census.hpp"
#include "sys/directory.hpp"

namespace fs = std::filesystem;

namespace lab::cli {
namespace {

std::optional<SweepManifest> manifest_in(const fs::path& dir) {
    const sys::Directory d = sys::Directory::open_existing(dir).value();
    auto text = d.read_file(kSweepManifestFile);
    if (!text) return std::nullopt;
    try {
        return manifest_from_json(*text);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The shard directories given, and those one level below a directory given (submit's shared directory).
std::vector<cluster::FoundShard> shards_below(const std::vector<fs::path>& dirs) {
    std::vector<cluster::FoundShard> found;
    auto look = [&](const fs::path& dir) {
        if (!fs::exists(dir / kSweepManifestFile)) return;
        if (auto m = manifest_in(dir); m && m->shard) found.push_back({dir.string(), {m->shard->index, m->shard->count}});
    };
    for (const auto& dir : dirs) {
        look(dir);
        std::error_code ec;
        std::vector<fs::path> children;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.is_directory()) children.push_back(e.path());
        std::sort(children.begin(), children.end());
        for (const auto& c : children) look(c);
    }
    return found;
}

}  // namespace

int merge_sweep(const SweepMergeArgs& a) {
    if (a.dirs.empty()) {
        fmt::print(stderr, "lab sweep merge: name the shards' directories (or the directory that holds them)\n");
        return kExitError;
    }
    if (a.out.empty() && a.dirs.size() > 1) {
        fmt::print(stderr, "lab sweep merge: {} directories given: say where the merged reports go with --out DIR\n", a.dirs.size());
        return kExitError;
    }
    const fs::path out = fs::absolute(a.out.empty() ? a.dirs.front() : a.out).lexically_normal();
    std::vector<fs::path> dirs;
    for (const auto& d : a.dirs) {
        if (!fs::is_directory(d)) {
            fmt::print(stderr, "lab sweep merge: {}: not a directory\n", d);
            return kExitError;
        }
        dirs.push_back(fs::absolute(d).lexically_normal());
    }

    // Every record once, even when one directory given lies below another.
    std::set<fs::path> files;
    std::vector<std::string> unreadable;
    for (const auto& d : dirs) {
        try {
            for (const auto& f : find_record_files({d.string()})) files.insert(fs::weakly_canonical(f));
        } catch (const std::exception& e) {
            unreadable.push_back(e.what());
        }
    }
    std::vector<analysis::StoredRecord> records;
    for (const auto& f : files) {
        try {
            records.push_back(load_sweep_record(f, out));
        } catch (const std::exception& e) {
            unreadable.push_back(e.what());
        }
    }
    analysis::order_for_merge(records);

    const cluster::ShardCensus shards = cluster::shard_census(shards_below(dirs));
    const sys::Directory out_dir = sys::Directory::open_or_create(out);
    const WrittenReports w = write_sweep_reports(out_dir, std::move(records));
    const analysis::Sweep& sweep = w.sweep;

    // What each cell came to, from the records the tables hold.
    std::size_t errors = 0, failed = 0;
    std::vector<std::string> failed_cells, error_cells;
    for (const auto& cell : sweep.cells) {
        bool cell_failed = false, cell_error = false;
        for (const auto& r : cell.runs) {
            if (r.record.run.outcome == record::RunOutcome::Interrupted || r.record.run.outcome == record::RunOutcome::Error) {
                ++errors;
                cell_error = true;
            } else if (analysis::count_verdicts(r.record.verdicts).failed > 0) {
                ++failed;
                cell_failed = true;
            }
        }
        if (cell_error) error_cells.push_back(cell.name);
        if (cell_failed) failed_cells.push_back(cell.name);
    }
    const auto missing = sweep.missing_cells();
    const analysis::SweepOverview overview = analysis::sweep_overview(sweep, analysis::pivot_layout(sweep));

    fmt::print("sweep {} merged from {} record{} ({} host{}, kernel{} {}) into {}\n", sweep.label, sweep.run_count(),
               sweep.run_count() == 1 ? "" : "s", sweep.hostnames.size(), sweep.hostnames.size() == 1 ? "" : "s",
               sweep.kernels.size() == 1 ? "" : "s", fmt::join(sweep.kernels, ", "), out.string());
    fmt::print("{}\n", overview.verdict_total);
    auto list = [](const std::string& title, const std::vector<std::string>& items) {
        if (items.empty()) return;
        fmt::print("{} ({}):\n", title, items.size());
        for (const auto& i : items) fmt::print("  {}\n", i);
    };
    std::vector<std::string> missing_names;
    for (const auto* c : missing) missing_names.push_back(c->name);
    list("missing shards", shards.missing);
    list("shards held twice", shards.doubled);
    list("shard directories of another split", shards.other_split);
    list("missing cells (no shard recorded them)", missing_names);
    list("incomplete cells", sweep.incomplete);
    list("cells with a run that errored or was cut short", error_cells);
    list("cells with a failed expectation", failed_cells);
    list("duplicated runs (the first is used)", sweep.duplicates);
    list("records left out", sweep.rejected);
    list("unreadable", unreadable);
    fmt::print("reports in {}: report.md, report.html, results.csv, results.jsonl, junit.xml{}\n", out.string(),
               w.plots_note.empty() ? ", plots/" : fmt::format(" (plots: {})", w.plots_note));

    if (!missing.empty() || !sweep.incomplete.empty() || !sweep.rejected.empty() || !shards.missing.empty() ||
        !unreadable.empty() || errors > 0 || sweep.run_count() == 0)
        return kExitError;
    return failed > 0 ? kExitFail : kExitPass;
}

}  // namespace lab::cli
