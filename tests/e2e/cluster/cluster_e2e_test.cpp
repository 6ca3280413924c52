// End-to-end on a real Slurm: a sweep of 4 cells × 2 repeats submitted with `lab sweep submit --slurm
// --tasks 4 --wait` to a one-node cluster started for the test, its shards run as array tasks (two at once
// on the node's two CPUs), merged by the dependent job; the merged tables must hold the same cells, runs
// and verdicts as `lab sweep` of the same grid on this machine. Then what merge says of a missing shard
// and of a shard played twice. Hosts are named after the test process, so that its namespaces are told
// apart from other labs on the machine.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "one_node_slurm.hpp"
#include "record/run_record.hpp"
#include "tests/e2e/support/file_text.hpp"
#include "tests/e2e/support/program.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Json = nlohmann::json;

namespace {

const std::string kLab = std::string(LAB_BIN_DIR) + "/lab";

using lab::e2e::Output;
using lab::e2e::Result;
using lab::e2e::run_to_end;
using lab::e2e::slurp;

std::string replaced_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
}

// backlog (1, 4) × retries (0, 1), 2 repeats: a listener that never accepts, 6 connects at once, one
// snapshot at 800 ms. "queue" holds in every cell, "queue-is-five" only where backlog = 4: the tables
// carry passes and failures, so that a verdict lost or swapped in the merge shows.
constexpr const char* kScenario = R"toml([scenario]
name = "cluster-e2e"
summary = "backlog x synack retries on a one-node Slurm"
time_limit = "10s"

[sweep]
rows = "backlog"
columns = "retries"
repeat = 2
[sweep.vars]
backlog = [1, 4]
retries = [0, 1]

[hosts.@SERVER@]
sysctl = { "net.ipv4.tcp_syncookies" = 0, "net.ipv4.tcp_synack_retries" = "${sweep.retries}" }
[hosts.@CLIENT@]

[[links]]
ends = ["@SERVER@", "@CLIENT@"]

[[steps]]
at = "0s"
run = { name = "srv", host = "@SERVER@", agent = "server", args = ["--port", "7100", "--backlog", "${sweep.backlog}", "--accept", "never"] }
[[steps]]
at = "200ms"
run = { name = "cli", host = "@CLIENT@", agent = "client", args = ["--target", "${hosts.@SERVER@.addr}:7100", "--connections", "6", "--ops", "connect:1s", "--hold", "500ms"] }
[[steps]]
at = "800ms"
snapshot = "full"

[[expect]]
id = "queue"
description = "accept queue = backlog + 1"
at = "full"
host = "@SERVER@"
sockets = { state = "listen", local_port = 7100, metric = "recv_q" }
equals = "${sweep.backlog} + 1"

[[expect]]
id = "queue-is-five"
description = "accept queue = 5 (only where backlog = 4)"
at = "full"
host = "@SERVER@"
sockets = { state = "listen", local_port = 7100, metric = "recv_q" }
equals = 5

[[metric]]
id = "queued"
description = "accept queue"
at = "full"
host = "@SERVER@"
sockets = { state = "listen", local_port = 7100, metric = "recv_q" }
)toml";

// results.csv as rows of named fields (no field of this sweep needs quoting).
std::vector<std::map<std::string, std::string>> csv_rows(const std::string& text) {
    std::vector<std::map<std::string, std::string>> rows;
    std::vector<std::string> header;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::vector<std::string> fields;
        std::istringstream f(line);
        for (std::string field; std::getline(f, field, ',');) fields.push_back(field);
        if (!line.empty() && line.back() == ',') fields.push_back("");
        if (header.empty()) {
            header = fields;
            continue;
        }
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
        rows.push_back(row);
    }
    return rows;
}

// What must be the same wherever a run ran: the cell, the repeat, the metric's value, the verdict counts.
std::multiset<std::string> verdict_rows(const fs::path& results_csv) {
    std::multiset<std::string> out;
    for (const auto& r : csv_rows(slurp(results_csv)))
        out.insert(fmt::format("{} backlog={} retries={} #{} {}={} pass={} fail={} {}", r.at("cell_id"), r.at("backlog"),
                               r.at("retries"), r.at("repeat"), r.at("metric"), r.at("value"), r.at("pass"), r.at("fail"),
                               r.at("outcome")));
    return out;
}

std::vector<fs::path> records_under(const fs::path& dir) {
    std::vector<fs::path> found;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename() == "record.json") found.push_back(e.path());
    std::sort(found.begin(), found.end());
    return found;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

std::string first_line(const fs::path& p) {
    std::string s = slurp(p);
    return s.substr(0, s.find('\n'));
}

class ClusterSweep : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: starts Slurm's daemons and builds network namespaces";
        const auto missing = lab::test::OneNodeSlurm::missing_programs();
        if (!missing.empty()) {
            std::string list;
            for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
            GTEST_SKIP() << "Slurm is not installed here, so the cluster test cannot run: missing " << list
                         << " (apt-get install slurmctld slurmd slurm-client munge; `./bootstrap test` installs them)";
        }
        root_ = fs::temp_directory_path() / fmt::format("lab-cluster-e2e-{}", ::getpid());
        fs::remove_all(root_);
        fs::create_directories(root_ / "work");
        fs::permissions(root_, fs::perms(0755));
        fs::permissions(root_ / "work", fs::perms(0755));
        const std::string tag = std::to_string(::getpid());
        server_ = "srv" + tag;
        client_ = "cli" + tag;
        const auto started = std::chrono::steady_clock::now();
        slurm_.emplace(root_ / "slurm");
        std::cout << fmt::format("one-node Slurm up in {:.1f} s (node {}, {} CPUs)\n",
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                                 slurm_->node(), slurm_->cpus());
    }
    void TearDown() override {
        if (HasFailure() && slurm_) std::cout << slurm_->logs();
        slurm_.reset();  // cancels what is left, stops the daemons by PID, removes their state
        if (!root_.empty()) {
            std::error_code ec;
            fs::remove_all(root_, ec);
        }
        std::set<std::string> left;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator("/run/netns", ec)) {
            const std::string n = e.path().filename().string();
            if (n.ends_with("-" + server_) || n.ends_with("-" + client_)) left.insert(n);
        }
        EXPECT_THAT(left, ::testing::IsEmpty()) << "runs left namespaces behind";
    }

    // lab (and the sbatch --wait it runs) ends with the test if a timeout kills the test.
    Result lab(const std::vector<std::string>& args) {
        return run_to_end({.exe = kLab,
                           .args = args,
                           .cwd = work(),
                           .out = Output::to_file(root_ / "stdout"),
                           .err = Output::to_file(root_ / "stderr"),
                           .die_with_test = true});
    }

    std::string write_scenario() const {
        std::string text = replaced_all(kScenario, "@SERVER@", server_);
        text = replaced_all(text, "@CLIENT@", client_);
        const fs::path p = work() / "cluster.toml";
        std::ofstream(p) << text;
        fs::permissions(p, fs::perms(0644));
        return p.string();
    }

    fs::path work() const { return root_ / "work"; }

    fs::path root_;
    std::string server_;
    std::string client_;
    std::optional<lab::test::OneNodeSlurm> slurm_;
};

TEST_F(ClusterSweep, FourShardsOnSlurmMergeIntoTheTablesOfALocalSweep) {
    const std::string file = write_scenario();
    const std::string kernel = first_line("/proc/sys/kernel/osrelease");

    // The same grid on this machine, as a user without a cluster runs it.
    auto t0 = std::chrono::steady_clock::now();
    const Result local = lab({"sweep", file, "-j", "2", "--seed", "7", "--out", (work() / "local").string()});
    ASSERT_EQ(local.exit_code, 1) << "backlog=1 cells fail queue-is-five\n" << local.out << local.err;
    const double local_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // The sweep on Slurm: 4 array tasks, 2 at a time, then the merge job; --wait returns its exit status.
    t0 = std::chrono::steady_clock::now();
    const fs::path shared = work() / "shared";
    const Result submit = lab({"sweep", "submit", file, "--slurm", "--tasks", "4", "--max-parallel", "2", "--out",
                               shared.string(), "--wait", "--seed", "7"});
    const double cluster_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << fmt::format("local sweep {:.1f} s; on Slurm (4 shards, submit to merged) {:.1f} s\n", local_seconds, cluster_seconds);
    EXPECT_EQ(submit.exit_code, 1) << "the merge job's status: an expectation failed\n"
                                   << submit.out << submit.err << slurp(shared / "logs" / "merge.out");
    EXPECT_THAT(submit.out, HasSubstr("array job"));
    EXPECT_THAT(submit.out, HasSubstr("(4 tasks of 8 runs)"));
    const std::string script = slurp(shared / "sweep.sbatch");
    EXPECT_THAT(script, HasSubstr("#SBATCH --array=0-3%2\n"));
    EXPECT_THAT(script, HasSubstr("--shard-count 4"));
    const std::string merge_log = slurp(shared / "logs" / "merge.out");
    EXPECT_THAT(merge_log, HasSubstr("sweep cluster-e2e merged from 8 records (1 host, kernel " + kernel + ")"));
    EXPECT_THAT(merge_log, HasSubstr("cells with a failed expectation (2):"));

    // Every shard ran its part, on this node, under its own run ids; together every run exactly once.
    std::set<std::string> run_ids, runs_seen;
    std::map<int, std::pair<std::string, std::string>> shard_span;  // shard → first start, last start
    for (int shard = 0; shard < 4; ++shard) {
        const fs::path dir = shared / fmt::format("shard-{}", shard);
        ASSERT_TRUE(fs::exists(dir / "sweep.json")) << dir << "\n" << slurp(shared / "logs" / fmt::format("shard-{}.out", shard));
        const Json manifest = Json::parse(slurp(dir / "sweep.json"));
        EXPECT_EQ(manifest["shard"]["index"], shard);
        EXPECT_EQ(manifest["shard"]["count"], 4);
        const auto records = records_under(dir);
        EXPECT_EQ(records.size(), 2u) << "8 runs of equal estimate over 4 shards: 2 each";
        for (const auto& path : records) {
            const auto rec = lab::record::run_record_from_json(Json::parse(slurp(path)));
            EXPECT_EQ(rec.run.hostname, slurm_->node());
            EXPECT_EQ(rec.run.kernel, kernel);
            run_ids.insert(rec.run.id);
            runs_seen.insert(fmt::format("{}-{}", rec.sweep->cell_id, rec.sweep->repeat));
        }
    }
    EXPECT_EQ(run_ids.size(), 8u);
    EXPECT_EQ(runs_seen.size(), 8u);

    // The merged tables: the same cells, repeats, values and verdicts as the local sweep's.
    const auto local_rows = verdict_rows(work() / "local" / "results.csv");
    const auto merged_rows = verdict_rows(shared / "results.csv");
    ASSERT_EQ(local_rows.size(), 8u);
    EXPECT_EQ(merged_rows, local_rows);
    EXPECT_EQ(std::count_if(merged_rows.begin(), merged_rows.end(), [](const std::string& r) { return r.find(" fail=1 ") != std::string::npos; }),
              4)
        << "the 4 runs of backlog=1 fail queue-is-five";
    const std::string local_junit = slurp(work() / "local" / "junit.xml");
    const std::string merged_junit = slurp(shared / "junit.xml");
    EXPECT_EQ(occurrences(merged_junit, "<testcase "), occurrences(local_junit, "<testcase "));
    EXPECT_EQ(occurrences(merged_junit, "<failure"), occurrences(local_junit, "<failure"));
    EXPECT_GT(occurrences(merged_junit, "<failure"), 0u);
    for (const char* f : {"report.md", "report.html", "results.jsonl"}) EXPECT_TRUE(fs::exists(shared / f)) << f;
    EXPECT_THAT(slurp(shared / "report.md"), HasSubstr("8 runs (0 errors, 0 cut short)"));

    // Merging again gives the same files.
    const std::string csv = slurp(shared / "results.csv");
    const std::string md = slurp(shared / "report.md");
    const Result again = lab({"sweep", "merge", shared.string()});
    EXPECT_EQ(again.exit_code, 1) << again.out << again.err;
    EXPECT_EQ(slurp(shared / "results.csv"), csv);
    EXPECT_EQ(slurp(shared / "report.md"), md);
}

TEST_F(ClusterSweep, TwoShardsAtOnceOnTheNodeKeepTheirOwnRunsAndMergeNamesMissingAndDoubledShards) {
    const std::string file = write_scenario();
    // Two tasks at once (the node has 2 CPUs, each task asks for 1), each running its two runs side by side.
    const fs::path shared = work() / "shared";
    const Result submit = lab({"sweep", "submit", file, "--slurm", "--tasks", "2", "--jobs-per-task", "1", "--out",
                               shared.string(), "--wait", "--seed", "3", "--repeat", "1"});
    EXPECT_EQ(submit.exit_code, 1) << submit.out << submit.err << slurp(shared / "logs" / "merge.out");
    // Both tasks were on the node at the same time: each one's runs began before the other's ended.
    std::vector<std::pair<std::chrono::system_clock::time_point, std::chrono::system_clock::time_point>> span(2);
    for (int shard = 0; shard < 2; ++shard) {
        const fs::path log = shared / "logs" / fmt::format("shard-{}.out", shard);
        EXPECT_THAT(slurp(log), HasSubstr(fmt::format("shard {}/2 of the sweep cluster-e2e: 2 of its 4 runs", shard)));
        const auto stat_start = fs::last_write_time(shared / fmt::format("shard-{}", shard) / "sweep.json");
        const auto stat_end = fs::last_write_time(shared / fmt::format("shard-{}", shard) / "results.csv");
        span[static_cast<std::size_t>(shard)] = {std::chrono::file_clock::to_sys(stat_start), std::chrono::file_clock::to_sys(stat_end)};
    }
    EXPECT_LT(span[0].first, span[1].second) << "shard 0 began before shard 1 ended";
    EXPECT_LT(span[1].first, span[0].second) << "shard 1 began before shard 0 ended";
    EXPECT_EQ(records_under(shared).size(), 4u);

    // A shard that never ran: merge names it and its cells, and says so by its status.
    const fs::path partial = work() / "partial";
    fs::create_directories(partial);
    fs::copy(shared / "shard-0", partial / "shard-0", fs::copy_options::recursive);
    const Result missing = lab({"sweep", "merge", partial.string()});
    EXPECT_EQ(missing.exit_code, 2) << missing.out << missing.err;
    EXPECT_THAT(missing.out, HasSubstr("shard 1/2: no directory holds it"));
    EXPECT_THAT(missing.out, HasSubstr("missing cells (no shard recorded them) (2):"));

    // A shard played twice (submitted again into another directory): its runs named as duplicated.
    const fs::path twice = work() / "twice";
    fs::create_directories(twice);
    fs::copy(shared / "shard-1", twice / "shard-1", fs::copy_options::recursive);
    const Result doubled = lab({"sweep", "merge", shared.string(), twice.string(), "--out", (work() / "merged").string()});
    EXPECT_EQ(doubled.exit_code, 1) << doubled.out << doubled.err;
    EXPECT_THAT(doubled.out, HasSubstr("duplicated runs (the first is used) (2):"));
    EXPECT_THAT(doubled.out, HasSubstr("shards held twice (1):"));
    EXPECT_EQ(verdict_rows(work() / "merged" / "results.csv"), verdict_rows(shared / "results.csv"));

    // lab doctor inside a Slurm task: the batch-task row names the job and finds root's capabilities.
    const fs::path doctor_log = work() / "doctor.out";
    const Result doctor = run_to_end({.exe = "/usr/bin/sbatch",
                                      .args = {"--wait", "--output=" + doctor_log.string(), "--wrap", kLab + " doctor"}});
    EXPECT_EQ(doctor.exit_code, 0) << slurp(doctor_log);
    EXPECT_THAT(slurp(doctor_log), ::testing::ContainsRegex("batch task +ok +Slurm job [0-9]+: root with CAP_NET_ADMIN and CAP_SYS_ADMIN"));
}

}  // namespace
