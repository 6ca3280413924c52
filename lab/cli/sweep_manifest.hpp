#pragma once
// sweep.json: what a sweep directory was asked to hold — the scenario (by file and a hash of its text),
// the grid's cells with their ids, the repeats, and the order the runs were played in with its seed.
// `lab sweep --resume` reads it back and refuses to mix another scenario's or another grid's runs into
// the directory; every run directory below runs/ is named after its cell and repeat.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "record/run_record.hpp"

namespace lab::cli {

inline constexpr const char* kSweepManifestSchema = "lab.sweep/1";
inline constexpr const char* kSweepManifestFile = "sweep.json";

struct ManifestCell {
    std::string id;
    std::vector<record::SweepValue> values;
};

struct ShardPart {
    int index = 0;
    int count = 1;
    bool operator==(const ShardPart&) const = default;
};

struct SweepManifest {
    std::string label;
    std::string scenario_name;
    std::string scenario_file;
    std::string scenario_hash;  // of the file's text: a resume with an edited file is refused
    std::string lab_version;
    std::string created_at;     // ISO 8601, UTC
    std::string order;          // "shuffled" | "grid"
    std::uint64_t seed = 0;     // of the shuffle
    int repeats = 1;
    std::vector<record::SweepVariable> variables;
    std::vector<ManifestCell> cells;  // grid order
    // The part of the grid this directory holds when the sweep runs in shards (`--shard I/N`, or a batch
    // engine's array task): every cell is listed above, but only this shard's runs are played here.
    std::optional<ShardPart> shard;
};

std::string manifest_json(const SweepManifest& m);
// Throws std::runtime_error naming what is missing or wrong.
SweepManifest manifest_from_json(const std::string& text);

// The run directory of a cell's repeat (0-based): "<cell id>-<repeat>".
std::string run_name(const std::string& cell_id, int repeat);

// Why `resumed` cannot continue `stored` (another scenario text, grid or repeat count), or "".
std::string resume_mismatch(const SweepManifest& stored, const SweepManifest& resumed);

}  // namespace lab::cli
