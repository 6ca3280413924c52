// The mutator is deterministic (a failing file is made again from its seed and index) and reaches
// every kind of mutation.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "tests/fuzz/scenario_mutator.hpp"

namespace {

using lab::fuzz::CorpusFile;
using lab::fuzz::ScenarioMutator;

const std::vector<CorpusFile> kCorpus = {
    {"a.toml", "[scenario]\nname = \"a\"\nsummary = \"s\"\ntime_limit = \"20s\"\n\n[hosts.server]\n"
               "sysctl = { \"net.ipv4.tcp_syncookies\" = 0 }\n[hosts.client]\n\n[[links]]\nends = [\"server\", "
               "\"client\"]\n\n[[steps]]\nat = \"0s\"\nrun = { name = \"srv\", host = \"server\", agent = \"server\", "
               "args = [\"--port\", \"9999\"] }\n"},
    {"b.toml", "[scenario]\nname = \"b\"\n[[expect]]\nid = \"x\"\nequals = 31\n"},
};

TEST(ScenarioMutator, TheSameSeedAndIndexMakeTheSameFile) {
    const ScenarioMutator mutator(kCorpus);
    for (std::uint64_t index = 0; index < 200; ++index) {
        const auto first = mutator.make(7, index);
        const auto again = mutator.make(7, index);
        EXPECT_EQ(first.text, again.text) << index;
        EXPECT_EQ(first.mutations, again.mutations) << index;
        EXPECT_EQ(first.base, again.base) << index;
    }
}

TEST(ScenarioMutator, AnotherIndexOrSeedMakesAnotherFile) {
    const ScenarioMutator mutator(kCorpus);
    std::set<std::string> texts;
    for (std::uint64_t index = 0; index < 100; ++index) texts.insert(mutator.make(1, index).text);
    EXPECT_GT(texts.size(), 90U);
    EXPECT_NE(mutator.make(1, 5).text + mutator.make(1, 6).text, mutator.make(2, 5).text + mutator.make(2, 6).text);
}

TEST(ScenarioMutator, EveryMutationIsReachedAndEachFileHasOneToFour) {
    const ScenarioMutator mutator(kCorpus);
    std::set<std::string_view> seen;
    for (std::uint64_t index = 0; index < 2000; ++index) {
        const auto m = mutator.make(3, index);
        EXPECT_GE(m.mutations.size(), 1U);
        EXPECT_LE(m.mutations.size(), 4U);
        seen.insert(m.mutations.begin(), m.mutations.end());
    }
    const auto names = ScenarioMutator::mutation_names();
    EXPECT_EQ(names.size(), 20U);
    EXPECT_EQ(seen, std::set<std::string_view>(names.begin(), names.end()));
}

TEST(ScenarioMutator, RefusesAnEmptyCorpus) { EXPECT_THROW(ScenarioMutator({}), std::invalid_argument); }

}  // namespace
