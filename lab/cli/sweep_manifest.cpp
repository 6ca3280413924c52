#include "lab/cli/sweep_manifest.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace lab::cli {
namespace {

nlohmann::ordered_json values_json(const std::vector<record::SweepValue>& values) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& v : values) {
        nlohmann::ordered_json e{{"name", v.name}, {"text", v.text}};
        if (v.number) e["number"] = *v.number;
        j.push_back(e);
    }
    return j;
}

}  // namespace

std::string manifest_json(const SweepManifest& m) {
    nlohmann::ordered_json j;
    j["schema"] = kSweepManifestSchema;
    j["label"] = m.label;
    j["scenario"] = {{"name", m.scenario_name}, {"file", m.scenario_file}, {"text_hash", m.scenario_hash}};
    j["lab_version"] = m.lab_version;
    j["created_at"] = m.created_at;
    j["order"] = m.order;
    j["seed"] = m.seed;
    j["repeats"] = m.repeats;
    j["variables"] = nlohmann::ordered_json::array();
    for (const auto& v : m.variables) j["variables"].push_back({{"name", v.name}, {"values", v.values}});
    j["cells"] = nlohmann::ordered_json::array();
    for (const auto& c : m.cells) j["cells"].push_back({{"id", c.id}, {"values", values_json(c.values)}});
    if (m.shard) j["shard"] = {{"index", m.shard->index}, {"count", m.shard->count}};
    return j.dump(1) + "\n";
}

SweepManifest manifest_from_json(const std::string& text) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw std::runtime_error("sweep.json is not a JSON object");
    if (j.value("schema", "") != kSweepManifestSchema)
        throw std::runtime_error(fmt::format("sweep.json: schema is '{}', this lab reads '{}'", j.value("schema", ""),
                                             kSweepManifestSchema));
    try {
        SweepManifest m;
        m.label = j.at("label").get<std::string>();
        m.scenario_name = j.at("scenario").at("name").get<std::string>();
        m.scenario_file = j.at("scenario").at("file").get<std::string>();
        m.scenario_hash = j.at("scenario").at("text_hash").get<std::string>();
        m.lab_version = j.value("lab_version", "");
        m.created_at = j.value("created_at", "");
        m.order = j.at("order").get<std::string>();
        m.seed = j.at("seed").get<std::uint64_t>();
        m.repeats = j.at("repeats").get<int>();
        for (const auto& v : j.at("variables")) m.variables.push_back({v.at("name"), v.at("values")});
        for (const auto& c : j.at("cells")) {
            ManifestCell cell;
            cell.id = c.at("id").get<std::string>();
            for (const auto& v : c.at("values")) {
                record::SweepValue value;
                value.name = v.at("name").get<std::string>();
                value.text = v.at("text").get<std::string>();
                if (v.contains("number")) value.number = v.at("number").get<double>();
                cell.values.push_back(value);
            }
            m.cells.push_back(std::move(cell));
        }
        if (j.contains("shard")) m.shard = ShardPart{j["shard"].at("index").get<int>(), j["shard"].at("count").get<int>()};
        return m;
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(fmt::format("sweep.json: {}", e.what()));
    }
}

std::string run_name(const std::string& cell_id, int repeat) { return fmt::format("{}-{}", cell_id, repeat); }

std::string resume_mismatch(const SweepManifest& stored, const SweepManifest& resumed) {
    if (stored.scenario_hash != resumed.scenario_hash)
        return fmt::format("the scenario changed since this sweep started ({} then, {} now): its cells would not be "
                           "the same; start a new sweep",
                           stored.scenario_hash, resumed.scenario_hash);
    auto shard_words = [](const std::optional<ShardPart>& s) {
        return s ? fmt::format("shard {}/{}", s->index, s->count) : std::string("the whole grid");
    };
    if (stored.shard != resumed.shard)
        return fmt::format("this directory holds {} of the sweep, the command line asks for {}", shard_words(stored.shard),
                           shard_words(resumed.shard));
    if (stored.repeats != resumed.repeats)
        return fmt::format("this sweep runs {} repeats per cell, not {}", stored.repeats, resumed.repeats);
    std::vector<std::string> a, b;
    for (const auto& c : stored.cells) a.push_back(c.id);
    for (const auto& c : resumed.cells) b.push_back(c.id);
    if (a != b) return fmt::format("this sweep has {} cells, the command line asks for {} others", a.size(), b.size());
    return "";
}

}  // namespace lab::cli
