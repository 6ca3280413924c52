#include "runner/substitution.hpp"

#include <gtest/gtest.h>

namespace {

using lab::runner::find_references;
using lab::runner::substitute;

TEST(Substitution, FillsEveryReference) {
    std::map<std::string, std::string> vars{{"hosts.server.addr", "198.18.0.1"}, {"run.dir", "/tmp/r"}};
    EXPECT_EQ(substitute("${hosts.server.addr}:7000", vars), "198.18.0.1:7000");
    EXPECT_EQ(substitute("-o ${run.dir}/x ${run.dir}", vars), "-o /tmp/r/x /tmp/r");
    EXPECT_EQ(substitute("plain $HOME text", vars), "plain $HOME text");
}

TEST(Substitution, DoubleDollarWritesALiteral) {
    EXPECT_EQ(substitute("$${not.a.var}", {}), "${not.a.var}");
    EXPECT_TRUE(find_references("$${x}").empty());
}

TEST(Substitution, FindsReferencesWithOffsets) {
    auto refs = find_references("a ${x.y} b ${z}");
    ASSERT_EQ(refs.size(), 2u);
    EXPECT_EQ(refs[0].name, "x.y");
    EXPECT_EQ(refs[0].offset, 2u);
    EXPECT_EQ(refs[1].name, "z");
}

TEST(Substitution, ErrorsNameTheProblem) {
    EXPECT_THROW(find_references("${unterminated"), std::invalid_argument);
    EXPECT_THROW(find_references("${}"), std::invalid_argument);
    try {
        substitute("${nope}", {});
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "unknown variable '${nope}'");
    }
}

}  // namespace
