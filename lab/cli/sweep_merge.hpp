#pragma once
// lab sweep merge DIR...: one sweep's tables from the records of its shards, wherever they ran — the same
// results.csv, results.jsonl, report.md, report.html and junit.xml a sweep on one machine writes, through
// the same code. It names what a cluster adds to a sweep's troubles: shards that left no directory, cells
// no shard recorded, cells that failed, and cells recorded twice (a shard submitted again into a new
// directory). It only reads records and rewrites reports, so running it again gives the same files.
#include <string>
#include <vector>

namespace lab::cli {

struct SweepMergeArgs {
    std::vector<std::string> dirs;  // shard directories, or directories holding them
    std::string out;                // where the reports go; default: the one directory given
};

// 0: every cell of the grid recorded and passed; 1: some expectation failed; 2: cells missing, errors,
// shards missing, or records that are not of this sweep.
int merge_sweep(const SweepMergeArgs& args);

}  // namespace lab::cli
