// End-to-end: the bounds of a sweep as `lab` applies them, on files bench/sweep/make_large_sweep.py writes.
// The case of issue 25 (10 000 cells of a 1000-host file: 13 s to validate, 28 s and 1.8 GB for --dry-run)
// is refused by `lab validate`, `lab sweep --dry-run` and `lab sweep` alike, at its [sweep] table, with the
// numbers, and nothing is created; a big sweep within the bounds is listed cell by cell with the ids the
// plan gives. Builds no namespace and needs no root; skips without python3.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/sweep_plan.hpp"
#include "tests/e2e/support/program_run.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace {

const std::string kLab = std::string(LAB_BIN_DIR) + "/lab";
const fs::path kGenerator = fs::path(LAB_SOURCE_DIR) / "bench" / "sweep" / "make_large_sweep.py";

using lab::e2e::Result;
using lab::e2e::slurp;

class SweepBoundsCli : public ::testing::Test {
protected:
    void SetUp() override {
        python_ = lab::e2e::find_program("python3");
        if (python_.empty()) GTEST_SKIP() << "python3 is not installed: the generator cannot run";
        dir_ = fs::path(::testing::TempDir()) / ("sweep-bounds-cli-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        if (!dir_.empty()) fs::remove_all(dir_);
    }

    Result run(const std::string& exe, const std::vector<std::string>& args) {
        return ::lab::e2e::run_program(dir_, exe, args, {dir_, {}});
    }

    // A generated sweep of `cells` cells over `hosts` hosts.
    std::string generated(int cells, int hosts) {
        const std::string file = (dir_ / ("sweep-" + std::to_string(cells) + "x" + std::to_string(hosts) + ".toml")).string();
        const Result r = run(python_.string(), {kGenerator.string(), "--cells", std::to_string(cells), "--hosts",
                                                std::to_string(hosts)});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::ofstream(file) << r.out;
        return file;
    }

    fs::path python_;
    fs::path dir_;
};

TEST_F(SweepBoundsCli, TenThousandCellsOfAThousandHostsAreRefusedAtTheSweepBeforeAnyCellIsParsed) {
    const std::string file = generated(10'000, 1000);
    // The generator's [sweep] is on line 8; 1000 hosts, their 1000 ends and a grid of 100 × 100 make 2279 values.
    const std::string expected = file + ":8:1: the sweep's 10000 cells × 2279 values of the file = 22790000 values to "
                                        "check (every cell is validated as a scenario of its own), more than the "
                                        "10000000 a sweep may have: narrow the grid (--var, --set, fewer values) or "
                                        "split it into several sweeps\n";
    const Result v = run(kLab, {"validate", file});
    EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
    EXPECT_EQ(v.err, expected);
    const Result dry = run(kLab, {"sweep", file, "--dry-run"});
    EXPECT_EQ(dry.exit_code, 2) << dry.out << dry.err;
    EXPECT_THAT(dry.err, StartsWith(expected));
    EXPECT_THAT(dry.err, HasSubstr("lab sweep: nothing was run"));
    EXPECT_EQ(dry.out, "");
    const Result sweep = run(kLab, {"sweep", file, "--out", (dir_ / "never").string()});
    EXPECT_EQ(sweep.exit_code, 2) << sweep.out << sweep.err;
    EXPECT_THAT(sweep.err, StartsWith(expected));
    EXPECT_FALSE(fs::exists(dir_ / "never"));
    EXPECT_FALSE(fs::exists(dir_ / "runs"));
    // Narrowed on the command line to 100 × 5 cells, the same file is within the bound (500 × 2279 values).
    const Result fits = run(kLab, {"sweep", file, "--dry-run", "--var", "clients=1,2,3,4,5"});
    EXPECT_EQ(fits.exit_code, 0) << fits.err;
    EXPECT_THAT(fits.out, StartsWith("sweep large-sweep of " + file + ": 500 cells × 1 repeat = 500 runs\n"));
}

TEST_F(SweepBoundsCli, ABigSweepWithinTheBoundsIsListedCellByCellWithThePlansIds) {
    const std::string file = generated(300, 1000);
    const Result dry = run(kLab, {"sweep", file, "--dry-run", "-j", "2"});
    ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
    // This process has not raised its descriptor limit as lab does: roomy limits, so that 1000 hosts pass.
    const lab::runner::SweepPlan plan = lab::runner::outline_sweep(file, {}, lab::runner::ResourceLimits{1'000'000, 1'000'000});
    ASSERT_EQ(plan.outline.size(), 300u);
    std::string listed = "cell          values\n";
    for (const auto& c : plan.outline) listed += c.cell_id + "  " + lab::runner::describe_cell(c.values) + "\n";
    EXPECT_THAT(dry.out, StartsWith("sweep large-sweep of " + file + ": 300 cells × 1 repeat = 300 runs\n\n" + listed));
    const Result v = run(kLab, {"validate", file});
    EXPECT_EQ(v.exit_code, 0) << v.err;
    EXPECT_THAT(v.out, HasSubstr("(large-sweep: 1000 hosts, 1 links, 4 steps, 1 expectations, 1 metrics, a sweep over "
                                 "backlog (15) × clients (20))"));
}

}  // namespace
