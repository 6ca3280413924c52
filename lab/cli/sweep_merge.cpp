#include "lab/cli/sweep_merge.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/sweep_overview.hpp"
#include "analysis/sweep_pivot.hpp"
#include "analysis/verdict_counts.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cli/record_files.hpp"
#include "lab/cli/sweep_manifest.hpp"
#include "lab/cli/sweep_reports.hpp"
#include "sys/directory.hpp"

namespace fs = std::filesystem;

namespace lab::cli {
namespace {

// A shard directory found below the merged directories: which shard its sweep.json says it holds.
struct FoundShard {
    fs::path dir;
    ShardPart part;
};

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
std::vector<FoundShard> shards_below(const std::vector<fs::path>& dirs) {
    std::vector<FoundShard> found;
    auto look = [&](const fs::path& dir) {
        if (!fs::exists(dir / kSweepManifestFile)) return;
        if (auto m = manifest_in(dir); m && m->shard) found.push_back({dir, *m->shard});
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

struct ShardCensus {
    std::vector<std::string> missing;  // shards no directory holds, or of another split: their cells are missing
    std::vector<std::string> doubled;  // shards two directories hold: their runs are duplicated
};

ShardCensus shard_census(const std::vector<FoundShard>& shards) {
    ShardCensus census;
    std::vector<std::string>& problems = census.missing;
    if (shards.empty()) return census;
    int count = 0;
    for (const auto& s : shards) count = std::max(count, s.part.count);
    std::map<int, std::vector<std::string>> where;
    for (const auto& s : shards) {
        if (s.part.count != count)
            problems.push_back(fmt::format("{}: shard {}/{} of a split into {}, not {}: another submission's", s.dir.string(),
                                           s.part.index, s.part.count, s.part.count, count));
        else
            where[s.part.index].push_back(s.dir.string());
    }
    for (int i = 0; i < count; ++i) {
        auto it = where.find(i);
        if (it == where.end())
            problems.push_back(fmt::format("shard {}/{}: no directory holds it (its task never started, or wrote elsewhere)", i, count));
        else if (it->second.size() > 1)
            census.doubled.push_back(fmt::format("shard {}/{}: {} directories hold it ({}); the first record of each run is used",
                                                 i, count, it->second.size(), fmt::join(it->second, ", ")));
    }
    return census;
}

bool cut_short(const record::RunRecord& r) {
    return r.run.outcome == record::RunOutcome::Interrupted || r.run.outcome == record::RunOutcome::Error;
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
    // Of two records of one run (a shard played again elsewhere), the sweep keeps the first: let that be one
    // that completed, and otherwise the first by path, so that the merge does not depend on the file system.
    std::stable_sort(records.begin(), records.end(), [](const auto& x, const auto& y) {
        if (cut_short(x.record) != cut_short(y.record)) return !cut_short(x.record);
        return x.source < y.source;
    });

    const ShardCensus shards = shard_census(shards_below(dirs));
    const sys::Directory out_dir = sys::Directory::open_or_create(out);
    const WrittenReports w = write_sweep_reports(out_dir, std::move(records));
    const analysis::Sweep& sweep = w.sweep;

    // What each cell came to, from the records the tables hold.
    std::size_t errors = 0, failed = 0;
    std::vector<std::string> failed_cells, error_cells;
    std::set<std::string> hosts;
    for (const auto& cell : sweep.cells) {
        bool cell_failed = false, cell_error = false;
        for (const auto& r : cell.runs) {
            hosts.insert(r.record.run.hostname);
            if (cut_short(r.record)) {
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
               sweep.run_count() == 1 ? "" : "s", hosts.size(), hosts.size() == 1 ? "" : "s",
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
