// Scenario names without a path: the catalogue's search order and the lookup in it (files in a scratch
// directory of the test's own; no kernel state).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "runner/scenario_catalogue.hpp"

namespace fs = std::filesystem;

namespace lab::runner {
namespace {

TEST(ScenarioCatalogue, SearchesTheWorkingDirectoryThenTheShareDirectoryBesideTheExecutable) {
    EXPECT_EQ(catalogue_directories("/usr/bin/lab"),
              (std::vector<fs::path>{"scenarios", "/usr/share/lab/scenarios"}));
    // A tree unpacked anywhere (dpkg -x into a scratch root) finds its own catalogue, not /usr's.
    EXPECT_EQ(catalogue_directories("/tmp/root/usr/bin/lab").back(), fs::path("/tmp/root/usr/share/lab/scenarios"));
    // A build tree: build/bin/lab → build/share/lab/scenarios (the build links it to the checkout's).
    EXPECT_EQ(catalogue_directories("/src/lab/build/bin/lab").back(), fs::path("/src/lab/build/share/lab/scenarios"));
}

TEST(ScenarioCatalogue, ANameHoldsNoSlash) {
    EXPECT_TRUE(is_scenario_name("backlog-30-netcat"));
    EXPECT_TRUE(is_scenario_name("backlog-30-netcat.toml"));
    EXPECT_FALSE(is_scenario_name("scenarios/backlog-30-netcat.toml"));
    EXPECT_FALSE(is_scenario_name("./backlog-30-netcat.toml"));
    EXPECT_FALSE(is_scenario_name(""));
}

class CatalogueLookup : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::path(::testing::TempDir()) /
                ("catalogue-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(root_ / "checkout" / "sweeps");
        fs::create_directories(root_ / "installed");
    }
    void TearDown() override { fs::remove_all(root_); }

    fs::path touch(const fs::path& relative) {
        const fs::path p = root_ / relative;
        std::ofstream(p) << "[scenario]\n";
        return p;
    }
    std::vector<fs::path> search() const { return {root_ / "checkout", root_ / "missing", root_ / "installed"}; }

    fs::path root_;
};

TEST_F(CatalogueLookup, FindsNameDotTomlInTheFirstDirectoryThatHoldsIt) {
    const fs::path in_checkout = touch("checkout/backlog.toml");
    touch("installed/backlog.toml");
    const fs::path only_installed = touch("installed/connscale.toml");
    EXPECT_EQ(find_catalogue_scenario("backlog", search()), in_checkout);
    EXPECT_EQ(find_catalogue_scenario("backlog.toml", search()), in_checkout);
    EXPECT_EQ(find_catalogue_scenario("connscale", search()), only_installed);
    EXPECT_EQ(find_catalogue_scenario("nothing-of-that-name", search()), std::nullopt);
}

TEST_F(CatalogueLookup, FindsSweepsInASubdirectory) {
    const fs::path sweep = touch("checkout/sweeps/backlog-vs-retries.toml");
    EXPECT_EQ(find_catalogue_scenario("backlog-vs-retries", search()), sweep);
}

TEST_F(CatalogueLookup, TwoFilesOfOneNameInOneDirectoryAreAnErrorNamingBoth) {
    touch("checkout/twice.toml");
    touch("checkout/sweeps/twice.toml");
    try {
        find_catalogue_scenario("twice", search());
        FAIL() << "an ambiguous name was resolved";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find((root_ / "checkout/sweeps/twice.toml").string()), std::string::npos) << what;
        EXPECT_NE(what.find((root_ / "checkout/twice.toml").string()), std::string::npos) << what;
    }
}

}  // namespace
}  // namespace lab::runner
