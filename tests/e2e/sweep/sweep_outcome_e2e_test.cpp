// End-to-end: what a sweep's exit status and report say when runs are interrupted, error, or the sweep's
// directory is moved while it runs — against the real kernel, read back from the records and the reports.
// - SIGINT while a cell's programs are being prestarted records the run as interrupted (not an error),
//   `--resume` runs it again, and the final report counts it once;
// - a cell the kernel refuses (a sysctl out of its range) makes the sweep exit 2, and so do `--resume`
//   (nothing left to run) and `lab sweep report` afterwards;
// - a sweep directory renamed mid-run still gets its report, in the directory lab held, wherever it is.
// Hosts are named after the test process, so that this test's namespaces are told apart from others'.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "record/run_record.hpp"
#include "tests/e2e/support/program_run.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;
using lab::record::RunOutcome;
using lab::record::RunRecord;

namespace {

const std::string kLab = std::string(LAB_BIN_DIR) + "/lab";

using lab::e2e::Output;
using lab::e2e::Program;
using lab::e2e::Result;
using lab::e2e::slurp;

std::string replaced_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
}

RunRecord record_at(const fs::path& path) { return lab::record::run_record_from_json(Json::parse(slurp(path))); }

std::vector<fs::path> records_under(const fs::path& dir) {
    std::vector<fs::path> found;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->path().filename() == "record.json") found.push_back(it->path());
    std::sort(found.begin(), found.end());
    return found;
}

std::size_t csv_data_rows(const fs::path& csv) {
    std::istringstream in(slurp(csv));
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);) lines += !line.empty();
    return lines == 0 ? 0 : lines - 1;
}

std::set<std::string> lab_namespaces_of(const std::vector<std::string>& hosts) {
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/run/netns", ec)) {
        const std::string n = e.path().filename().string();
        for (const auto& h : hosts)
            if (n.rfind("lab-", 0) == 0 && n.size() > h.size() && n.compare(n.size() - h.size() - 1, std::string::npos, "-" + h) == 0)
                out.insert(n);
    }
    return out;
}

// Two cells (snapshot at 500 or 700 ms) of one listener that never accepts and one nc client. The client is prestarted:
// a shell that sleeps @PAUSE@ s before it execs nc, so the run spends that long starting its programs
// (the window for the interrupt), then nc is held at its connect until the step lets it go.
constexpr const char* kPrestartSweep = R"toml([scenario]
name = "sweep-outcome-prestart"
summary = "a prestarted nc client that takes a while to reach its connect"
time_limit = "20s"

[sweep]
repeat = 1
[sweep.vars]
at = [5, 7]

[hosts.@SERVER@]
sysctl = { "net.ipv4.tcp_syncookies" = 0 }
[hosts.@CLIENT@]

[[links]]
ends = ["@SERVER@", "@CLIENT@"]

[[steps]]
at = "0s"
run = { name = "srv", host = "@SERVER@", agent = "server", args = ["--port", "7100", "--backlog", "4", "--accept", "never"], prestart = true }
[[steps]]
at = "100ms"
run = { name = "cli", host = "@CLIENT@", command = ["sh", "-c", "sleep @PAUSE@; exec nc -w 1 ${hosts.@SERVER@.addr} 7100 < /dev/null"], prestart = true }
[[steps]]
at = "${sweep.at}00ms"
snapshot = "held"

[[expect]]
id = "queued"
description = "the one nc connection waits in the accept queue"
at = "held"
host = "@SERVER@"
sockets = { state = "listen", local_port = 7100, metric = "recv_q" }
equals = 1
)toml";

// Two cells of a listener and 3 agent connects; the client's tcp_syn_retries is the variable. 200 is
// above the kernel's limit (127): writing it fails with EINVAL while the lab is built, so that cell's
// run ends in an error that only the kernel could report.
constexpr const char* kRetriesSweep = R"toml([scenario]
name = "sweep-outcome-retries"
summary = "a listener that never accepts, 3 connects, with the client's SYN retries varied"
time_limit = "15s"

[sweep]
repeat = 1
[sweep.vars]
retries = [@RETRIES@]

[hosts.@SERVER@]
sysctl = { "net.ipv4.tcp_syncookies" = 0 }
[hosts.@CLIENT@]
sysctl = { "net.ipv4.tcp_syn_retries" = "${sweep.retries}" }

[[links]]
ends = ["@SERVER@", "@CLIENT@"]

[[steps]]
at = "0s"
run = { name = "srv", host = "@SERVER@", agent = "server", args = ["--port", "7100", "--backlog", "4", "--accept", "never"] }
[[steps]]
at = "200ms"
run = { name = "cli", host = "@CLIENT@", agent = "client", args = ["--target", "${hosts.@SERVER@.addr}:7100", "--connections", "3", "--ops", "connect:2s", "--hold", "1s"] }
[[steps]]
at = "@SNAPSHOT_AT@"
snapshot = "full"

[[expect]]
id = "queued"
description = "3 connections in the accept queue"
at = "full"
host = "@SERVER@"
sockets = { state = "listen", local_port = 7100, metric = "recv_q" }
equals = 3
)toml";

class SweepOutcome : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: builds network namespaces";
        const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        dir_ = fs::temp_directory_path() / ("lab-sweep-outcome-e2e-" + std::to_string(::getpid()) + "-" + name);
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        fs::permissions(dir_, fs::perms(0755));
        const std::string tag = std::to_string(::getpid());
        server_ = "srv" + tag;
        client_ = "cli" + tag;
    }
    void TearDown() override {
        if (dir_.empty()) return;
        EXPECT_THAT(lab_namespaces_of({server_, client_}), ::testing::IsEmpty()) << "a sweep left namespaces behind";
        fs::remove_all(dir_);
    }

    Result lab(const std::vector<std::string>& args) { return ::lab::e2e::run_program(dir_, kLab, args, {dir_, {}}); }

    std::string scenario(std::string text, const std::map<std::string, std::string>& fill = {}) const {
        for (const auto& [from, to] : fill) text = replaced_all(text, from, to);
        text = replaced_all(text, "@SERVER@", server_);
        text = replaced_all(text, "@CLIENT@", client_);
        const fs::path p = dir_ / "sweep.toml";
        std::ofstream(p) << text;
        fs::permissions(p, fs::perms(0644));
        return p.string();
    }

    // Starts `lab sweep` in the background (its output into dir_/first.*), one run at a time in grid order.
    Program start_sweep(const std::string& file, const fs::path& out) {
        return Program({.exe = kLab,
                        .args = {"sweep", file, "-j", "1", "--order", "grid", "--out", out.string()},
                        .cwd = dir_,
                        .out = Output::to_file(dir_ / "first.stdout"),
                        .err = Output::to_file(dir_ / "first.stderr")});
    }

    std::string first_output() const { return slurp(dir_ / "first.stdout") + slurp(dir_ / "first.stderr"); }

    fs::path dir_;
    std::string server_;
    std::string client_;
};

// The run directory under `runs` whose client has been started but that has no record yet, polled every
// 10 ms until `deadline`; "" when none appeared.
fs::path run_starting_its_client(const fs::path& runs, std::chrono::steady_clock::time_point deadline) {
    while (std::chrono::steady_clock::now() < deadline) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(runs, ec))
            if (fs::exists(e.path() / "processes" / "cli.0.stdout") && !fs::exists(e.path() / "record.json")) return e.path();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return {};
}

TEST_F(SweepOutcome, SigintWhilePrestartingIsAnInterruptThatResumeRunsAgainAndTheReportCountsOnce) {
    const std::string file = scenario(kPrestartSweep, {{"@PAUSE@", "6"}});
    const fs::path out = dir_ / "prestart";
    Program first = start_sweep(file, out);
    const fs::path starting = run_starting_its_client(out / "runs", std::chrono::steady_clock::now() + std::chrono::seconds(30));
    ASSERT_FALSE(starting.empty()) << "no run reached its prestart: " << first_output();
    // The client sleeps 6 s before its connect: 0.5 s in, lab is still waiting for it to be held.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ASSERT_FALSE(fs::exists(starting / "record.json")) << "the run left its prestart before the interrupt";
    ASSERT_EQ(::kill(first.pid(), SIGINT), 0);  // this lab process only, by its pid
    first.wait();
    EXPECT_EQ(first.exit_code(), 2) << first_output();
    EXPECT_THAT(first_output(), HasSubstr("interrupted (run again by --resume)"));
    EXPECT_THAT(first_output(), Not(HasSubstr("1 error")));

    // The interrupted run's record says so, and why: the signal and the program being started.
    ASSERT_TRUE(fs::exists(starting / "record.json")) << first_output();
    const RunRecord cut = record_at(starting / "record.json");
    EXPECT_EQ(cut.run.outcome, RunOutcome::Interrupted) << cut.run.outcome_detail;
    EXPECT_THAT(cut.run.outcome_detail, HasSubstr("signal 2: interrupted while starting 'cli'"));
    EXPECT_EQ(records_under(out / "runs").size(), 1u) << "one run at a time: the interrupt came in the first";

    // --resume plays it again (and the other cell), and the report counts each run once.
    const Result r = lab({"sweep", file, "--resume", "--out", out.string(), "-j", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("2 runs (0 errors, 0 cut short); 2/2 expectations passed; 0 flaky cells"));
    EXPECT_THAT(r.out, HasSubstr("[1/2]")) << "nothing counted as done: the interrupted run is played again";
    const auto records = records_under(out / "runs");
    ASSERT_EQ(records.size(), 2u);
    std::set<std::string> cells;
    for (const auto& path : records) {
        const RunRecord rec = record_at(path);
        EXPECT_EQ(rec.run.outcome, RunOutcome::Completed) << path << ": " << rec.run.outcome_detail;
        EXPECT_TRUE(cells.insert(rec.sweep->cell_id).second) << path;
        ASSERT_EQ(rec.verdicts.size(), 1u);
        EXPECT_EQ(rec.verdicts[0].observed, "1") << path << ": the kernel's accept queue held nc's connection";
    }
    EXPECT_TRUE(fs::exists(starting / "record.json")) << "the cell is made again in its own run directory";
    EXPECT_EQ(record_at(starting / "record.json").run.outcome, RunOutcome::Completed);
    EXPECT_EQ(csv_data_rows(out / "results.csv"), 2u) << "one row per run and metric-less expectation";
    EXPECT_THAT(slurp(out / "junit.xml"), HasSubstr("tests=\"2\" failures=\"0\" errors=\"0\""));

    const Result report = lab({"sweep", "report", out.string()});
    EXPECT_EQ(report.exit_code, 0) << report.out << report.err;
    EXPECT_THAT(report.out, HasSubstr("2 runs (0 errors, 0 cut short); 2/2 expectations passed"));
}

TEST_F(SweepOutcome, ASweepWithAnErroredRunExitsTwoFromTheRunTheResumeAndTheReport) {
    const std::string file = scenario(kRetriesSweep, {{"@RETRIES@", "1, 200"}, {"@SNAPSHOT_AT@", "1s"}});
    const fs::path out = dir_ / "errored";
    const Result r = lab({"sweep", file, "-j", "2", "--out", out.string()});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("2 runs (1 error, 0 cut short); 1/1 expectations passed"));
    EXPECT_THAT(r.err, HasSubstr("lab sweep: 1 run errored"));

    // The kernel's refusal is in the record of the cell that asked for 200.
    std::size_t errored = 0;
    std::map<std::string, std::string> run_ids;  // record → run id
    for (const auto& path : records_under(out / "runs")) {
        const RunRecord rec = record_at(path);
        run_ids[path.string()] = rec.run.id;
        const bool too_many = rec.sweep->values.at(0).text == "200";
        EXPECT_EQ(rec.run.outcome, too_many ? RunOutcome::Error : RunOutcome::Completed) << rec.run.outcome_detail;
        if (too_many) {
            ++errored;
            EXPECT_THAT(rec.run.outcome_detail, HasSubstr("tcp_syn_retries"));
            EXPECT_THAT(rec.run.outcome_detail, HasSubstr("EINVAL"));
        }
    }
    EXPECT_EQ(errored, 1u);

    // Nothing is left to run, but the sweep still holds an error: --resume and the report say so.
    const Result resumed = lab({"sweep", file, "--resume", "--out", out.string()});
    EXPECT_EQ(resumed.exit_code, 2) << resumed.out << resumed.err;
    EXPECT_THAT(resumed.out, HasSubstr("2 runs (1 error, 0 cut short)"));
    EXPECT_THAT(resumed.err, HasSubstr("lab sweep: 1 run errored"));
    const Result report = lab({"sweep", "report", out.string()});
    EXPECT_EQ(report.exit_code, 2) << report.out << report.err;
    EXPECT_THAT(report.err, HasSubstr("lab sweep report: 1 run errored"));
    ASSERT_EQ(records_under(out / "runs").size(), 2u);
    for (const auto& path : records_under(out / "runs"))
        EXPECT_EQ(record_at(path).run.id, run_ids[path.string()]) << path << ": an errored run is a result, kept by --resume";
}

TEST_F(SweepOutcome, ASweepWhoseDirectoryIsRenamedMidRunReportsIntoItWhereItIsNow) {
    const std::string file = scenario(kRetriesSweep, {{"@RETRIES@", "1, 2"}, {"@SNAPSHOT_AT@", "2s"}});
    const fs::path out = dir_ / "before", moved = dir_ / "after";
    Program sweep = start_sweep(file, out);
    // Renamed once the first run's record is written, while the second run goes on.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (records_under(out / "runs").empty() && sweep.running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(sweep.running()) << "the sweep ended before it could be renamed: " << first_output();
    ASSERT_EQ(records_under(out / "runs").size(), 1u);
    fs::rename(out, moved);
    sweep.wait();
    EXPECT_EQ(sweep.exit_code(), 0) << first_output();
    EXPECT_THAT(first_output(), HasSubstr("2 runs (0 errors, 0 cut short); 2/2 expectations passed"));

    EXPECT_FALSE(fs::exists(out)) << "nothing was made again at the old name";
    ASSERT_EQ(records_under(moved / "runs").size(), 2u);
    for (const char* report : {"report.md", "report.html", "results.csv", "results.jsonl", "junit.xml"})
        EXPECT_TRUE(fs::exists(moved / report)) << report;
    EXPECT_EQ(csv_data_rows(moved / "results.csv"), 2u);
    EXPECT_THAT(slurp(moved / "junit.xml"), HasSubstr("tests=\"2\" failures=\"0\" errors=\"0\""));
    for (const auto& path : records_under(moved / "runs")) {
        const RunRecord rec = record_at(path);
        ASSERT_EQ(rec.verdicts.size(), 1u);
        EXPECT_EQ(rec.verdicts[0].observed, "3") << path << ": the kernel's accept queue";
    }
}

}  // namespace
