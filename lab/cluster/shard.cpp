#include "lab/cluster/shard.hpp"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace lab::cluster {
namespace {

std::optional<int> whole_number(std::string_view text) {
    int value = 0;
    const char* end = text.data() + text.size();
    auto [at, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || at != end || text.empty()) return std::nullopt;
    return value;
}

int variable_number(const std::string& name, const std::string& text) {
    auto value = whole_number(text);
    if (!value || *value < 0)
        throw std::invalid_argument(fmt::format("{}={}: not a whole number ≥ 0", name, text));
    return *value;
}

Shard checked(Shard s, const std::string& source) {
    if (s.count < 1) throw std::invalid_argument(fmt::format("{}: the shard count must be at least 1", source));
    if (s.index < 0 || s.index >= s.count)
        throw std::invalid_argument(
            fmt::format("{}: shard {} is not one of 0..{} (shards count from 0)", source, s.index, s.count - 1));
    return s;
}

}  // namespace

Shard parse_shard(std::string_view text) {
    const auto slash = text.find('/');
    const std::string source = fmt::format("--shard {}", text);
    if (slash == std::string_view::npos)
        throw std::invalid_argument(fmt::format("{}: write INDEX/COUNT, e.g. 0/4 for the first of four", source));
    auto index = whole_number(text.substr(0, slash));
    auto count = whole_number(text.substr(slash + 1));
    if (!index || !count)
        throw std::invalid_argument(fmt::format("{}: write INDEX/COUNT with whole numbers, e.g. 0/4", source));
    return checked({*index, *count}, source);
}

std::optional<Shard> shard_from_environment(const EnvironmentLookup& environment, std::optional<int> count) {
    if (count && *count < 1) throw std::invalid_argument(fmt::format("--shard-count {}: must be at least 1", *count));
    if (auto id = environment("SLURM_ARRAY_TASK_ID")) {
        const int task = variable_number("SLURM_ARRAY_TASK_ID", *id);
        if (count) return checked({task, *count}, fmt::format("SLURM_ARRAY_TASK_ID={} with --shard-count {}", task, *count));
        auto total = environment("SLURM_ARRAY_TASK_COUNT");
        if (!total)
            throw std::invalid_argument(
                "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (Slurm before 18.08?): give --shard-count");
        const int n = variable_number("SLURM_ARRAY_TASK_COUNT", *total);
        int first = 0;
        if (auto min = environment("SLURM_ARRAY_TASK_MIN")) first = variable_number("SLURM_ARRAY_TASK_MIN", *min);
        return checked({task - first, n},
                       fmt::format("SLURM_ARRAY_TASK_ID={} (SLURM_ARRAY_TASK_MIN={}, SLURM_ARRAY_TASK_COUNT={}): an array "
                                   "with gaps or a task resubmitted alone needs --shard-count",
                                   task, first, n));
    }
    if (auto index = environment("JOB_COMPLETION_INDEX")) {
        const int i = variable_number("JOB_COMPLETION_INDEX", *index);
        if (!count)
            throw std::invalid_argument(fmt::format(
                "JOB_COMPLETION_INDEX={} is set: give --shard-count (the Job's completions) to say how many shards there are", i));
        return checked({i, *count}, fmt::format("JOB_COMPLETION_INDEX={} with --shard-count {}", i, *count));
    }
    return std::nullopt;
}

std::string shard_text(const Shard& shard) { return fmt::format("shard {}/{}", shard.index, shard.count); }

}  // namespace lab::cluster
