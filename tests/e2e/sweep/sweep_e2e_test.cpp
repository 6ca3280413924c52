// End-to-end: `lab sweep` runs a small grid against the real kernel, and what it writes holds the kernel's
// numbers — read back from the records and from the tables — not only files that exist. Each test runs its
// own sweep of at most 8 runs in a scratch directory; hosts are named after the test process, so that this
// test's namespaces are told apart from those of other labs running on the machine.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "record/run_record.hpp"
#include "runner/sweep_plan.hpp"
#include "tests/e2e/support/file_text.hpp"
#include "tests/e2e/support/program.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;
using lab::record::RunRecord;

namespace {

const std::string kLab = std::string(LAB_BIN_DIR) + "/lab";

using lab::e2e::Output;
using lab::e2e::Program;
using lab::e2e::Result;
using lab::e2e::run_to_end;
using lab::e2e::slurp;

std::string replaced_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
}

// backlog (1, 4) × retries (0, 1), 2 repeats: a listener that never accepts, 12 connects at once. Its
// [[expect]] is the invariant of every cell: the accept queue holds backlog + 1. The server is sampled,
// so the report has time series too.
constexpr const char* kScenario = R"toml([scenario]
name = "sweep-e2e"
summary = "backlog x synack retries: a listener that never accepts, 12 connects"
time_limit = "15s"

[sweep]
rows = "backlog"
columns = "retries"
repeat = 2
[sweep.vars]
backlog = [1, 4]
retries = [0, 1]
[sweep.defaults]
backlog = 4
retries = 1

[sample]
every = "200ms"
hosts = ["@SERVER@"]

[hosts.@SERVER@]
sysctl = { "net.ipv4.tcp_syncookies" = 0, "net.ipv4.tcp_synack_retries" = "${sweep.retries}" }
[hosts.@CLIENT@]
sysctl = { "net.ipv4.tcp_syn_retries" = 1 }

[[links]]
ends = ["@SERVER@", "@CLIENT@"]

[[steps]]
at = "0s"
run = { name = "srv", host = "@SERVER@", agent = "server", args = ["--port", "7100", "--backlog", "${sweep.backlog}", "--accept", "never"] }
[[steps]]
at = "200ms"
run = { name = "cli", host = "@CLIENT@", agent = "client", args = ["--target", "${hosts.@SERVER@.addr}:7100", "--connections", "12", "--ops", "connect:2s", "--hold", "1s"], copies = @COPIES@ }
[[steps]]
at = "1s"
snapshot = "full"

[[expect]]
id = "queue"
description = "accept queue = backlog + 1"
at = "full"
host = "@SERVER@"
sockets = { state = "listen", local_port = 7100, metric = "recv_q" }
equals = "${sweep.backlog} + 1"
@EXPECT@
[[metric]]
id = "queued"
description = "accept queue"
at = "full"
host = "@SERVER@"
sockets = { state = "listen", local_port = 7100, metric = "recv_q" }

[[metric]]
id = "connect-ok"
events = { process = "cli", op = "connect", result = "ok" }

[[metric]]
id = "connect-time"
description = "connect() p50"
events = { process = "cli", op = "connect", result = "ok", timing = "p50" }
)toml";

// An expectation only the backlog=4 cells meet.
constexpr const char* kQueueIsFive = R"toml(
[[expect]]
id = "queue-is-five"
description = "accept queue = 5 (only where backlog = 4)"
at = "full"
host = "@SERVER@"
sockets = { state = "listen", local_port = 7100, metric = "recv_q" }
equals = 5
)toml";

std::vector<std::map<std::string, std::string>> csv_rows(const std::string& text) {
    std::vector<std::map<std::string, std::string>> rows;
    std::vector<std::string> header;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        EXPECT_EQ(line.find('"'), std::string::npos) << "no field here needs quoting: " << line;
        std::vector<std::string> fields;
        std::istringstream f(line);
        for (std::string field; std::getline(f, field, ',');) fields.push_back(field);
        if (!line.empty() && line.back() == ',') fields.push_back("");
        if (header.empty()) {
            header = fields;
            continue;
        }
        EXPECT_EQ(fields.size(), header.size()) << line;
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
        rows.push_back(row);
    }
    return rows;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

RunRecord record_at(const fs::path& path) { return lab::record::run_record_from_json(Json::parse(slurp(path))); }

// The accept queue of the listener on port 7100 at snapshot "full", as sock_diag reported it.
int queue_in(const RunRecord& r, const std::string& server) {
    for (const auto& s : r.snapshots)
        if (s.name == "full")
            for (const auto& sock : s.hosts.at(server).sockets)
                if (sock.state == "listen" && sock.local_port == 7100) return static_cast<int>(sock.recv_q);
    return -1;
}

std::string value_of(const RunRecord& r, const std::string& variable) {
    for (const auto& v : r.sweep->values)
        if (v.name == variable) return v.text;
    return "";
}

std::optional<double> metric_of(const RunRecord& r, const std::string& id) {
    for (const auto& m : r.metric_values)
        if (m.id == id) return m.value;
    return std::nullopt;
}

std::vector<fs::path> records_under(const fs::path& dir) {
    std::vector<fs::path> found;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->path().filename() == "record.json") found.push_back(it->path());
    std::sort(found.begin(), found.end());
    return found;
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

class LabSweep : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: builds network namespaces";
        const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        dir_ = fs::temp_directory_path() / ("lab-sweep-e2e-" + std::to_string(::getpid()) + "-" + name);
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

    Result lab(const std::vector<std::string>& args, const fs::path& cwd = {}) {
        return run(kLab, args, cwd);
    }

    Result run(const std::string& exe, const std::vector<std::string>& args, const fs::path& cwd = {}) {
        return run_to_end({.exe = exe,
                           .args = args,
                           .cwd = cwd.empty() ? dir_ : cwd,
                           .out = Output::to_file(dir_ / "stdout"),
                           .err = Output::to_file(dir_ / "stderr")});
    }

    std::string scenario_text(const std::string& extra_expect = "", const std::string& copies = "1") const {
        std::string text = replaced_all(kScenario, "@EXPECT@", extra_expect);
        text = replaced_all(text, "@COPIES@", copies);
        text = replaced_all(text, "@SERVER@", server_);
        return replaced_all(text, "@CLIENT@", client_);
    }

    std::string write_scenario(const std::string& text, const std::string& name = "sweep.toml") const {
        const fs::path p = dir_ / name;
        std::ofstream(p) << text;
        fs::permissions(p, fs::perms(0644));
        return p.string();
    }

    std::string sweep_dir(const std::string& name) const { return (dir_ / name).string(); }

    fs::path dir_;
    std::string server_;
    std::string client_;
};

TEST_F(LabSweep, AGridWritesEveryOutputAndTheyHoldTheKernelsNumbers) {
    const std::string file = write_scenario(scenario_text());
    const std::string out = sweep_dir("grid");
    const Result r = lab({"sweep", file, "-j", "2", "--seed", "7", "--out", out});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("sweep sweep-e2e: 4 cells × 2 repeats = 8 runs, shuffled order (seed 7), up to 2 at a time"));
    EXPECT_THAT(r.out, HasSubstr("8 runs (0 errors, 0 cut short); 8/8 expectations passed; 0 flaky cells"));
    const std::string kernel = [] {
        std::string k = slurp("/proc/sys/kernel/osrelease");
        return k.substr(0, k.find('\n'));
    }();

    // sweep.json: the grid, its ids, the seed; one run directory per cell × repeat, each with its record.
    const Json manifest = Json::parse(slurp(fs::path(out) / "sweep.json"));
    EXPECT_EQ(manifest["schema"], "lab.sweep/1");
    EXPECT_EQ(manifest["seed"], 7);
    EXPECT_EQ(manifest["repeats"], 2);
    ASSERT_EQ(manifest["cells"].size(), 4u);
    std::map<std::string, std::pair<int, int>> cells;  // id → backlog, retries
    for (const auto& c : manifest["cells"])
        cells[c["id"]] = {std::stoi(c["values"][0]["text"].get<std::string>()), std::stoi(c["values"][1]["text"].get<std::string>())};
    ASSERT_EQ(cells.size(), 4u) << "cell ids are distinct";
    EXPECT_EQ(records_under(fs::path(out) / "runs").size(), 8u);
    for (const auto& [id, values] : cells)
        for (int repeat = 0; repeat < 2; ++repeat) {
            const fs::path path = fs::path(out) / "runs" / (id + "-" + std::to_string(repeat)) / "record.json";
            ASSERT_TRUE(fs::exists(path)) << path;
            const RunRecord rec = record_at(path);
            ASSERT_TRUE(rec.sweep.has_value());
            EXPECT_EQ(rec.sweep->cell_id, id);
            EXPECT_EQ(rec.sweep->repeat, repeat);
            EXPECT_EQ(rec.sweep->repeats, 2);
            EXPECT_EQ(value_of(rec, "backlog"), std::to_string(values.first));
            EXPECT_EQ(rec.run.outcome, lab::record::RunOutcome::Completed) << path;
            // The kernel's own numbers: the sysctl as read back, and the accept queue sock_diag saw.
            for (const auto& h : rec.hosts)
                if (h.name == server_) {
                    EXPECT_EQ(h.sysctls.at("net.ipv4.tcp_synack_retries"), std::to_string(values.second));
                }
            EXPECT_EQ(queue_in(rec, server_), values.first + 1) << path;
            EXPECT_EQ(metric_of(rec, "queued"), values.first + 1) << path;
            ASSERT_EQ(rec.verdicts.size(), 1u);
            EXPECT_EQ(rec.verdicts[0].status, lab::record::VerdictStatus::Pass) << rec.verdicts[0].detail;
        }

    // results.csv: one row per cell × repeat × metric, the accept queue backlog + 1 in every cell.
    const auto rows = csv_rows(slurp(fs::path(out) / "results.csv"));
    ASSERT_EQ(rows.size(), 24u);
    int queue_rows = 0;
    for (const auto& row : rows) {
        EXPECT_EQ(row.at("sweep"), "sweep-e2e");
        ASSERT_TRUE(cells.count(row.at("cell_id"))) << row.at("cell_id");
        EXPECT_EQ(row.at("backlog"), std::to_string(cells[row.at("cell_id")].first));
        EXPECT_EQ(row.at("retries"), std::to_string(cells[row.at("cell_id")].second));
        EXPECT_EQ(row.at("pass"), "1");
        EXPECT_EQ(row.at("fail"), "0");
        EXPECT_EQ(row.at("outcome"), "completed");
        EXPECT_EQ(row.at("kernel"), kernel);
        if (row.at("metric") == "queued") {
            ++queue_rows;
            EXPECT_EQ(std::stoi(row.at("value")), std::stoi(row.at("backlog")) + 1);
        }
        if (row.at("metric") == "connect-time") {
            EXPECT_EQ(row.at("unit"), "ms");
            EXPECT_GT(std::stod(row.at("value")), 0);
        }
    }
    EXPECT_EQ(queue_rows, 8);
    std::istringstream jsonl(slurp(fs::path(out) / "results.jsonl"));
    int lines = 0;
    for (std::string line; std::getline(jsonl, line); ++lines) {
        const Json row = Json::parse(line);
        if (row["metric"] == "queued") {
            EXPECT_EQ(row["value"].get<double>(), row["backlog"].get<double>() + 1);
        }
    }
    EXPECT_EQ(lines, 24);

    // report.md: the pivot of the accept queue, every cell agreeing over its 2 repeats.
    const std::string md = slurp(fs::path(out) / "report.md");
    EXPECT_THAT(md, HasSubstr("backlog (1, 4) × retries (0, 1) = 4 cells × 2 repeats"));
    EXPECT_THAT(md, HasSubstr("## queued — accept queue\n\n| backlog \\ retries | 0 | 1 |\n|---|---:|---:|\n"
                              "| 1 | 2 n=2 | 2 n=2 |\n| 4 | 5 n=2 | 5 n=2 |\n"));
    EXPECT_THAT(md, Not(HasSubstr("✗ |"))) << "no cell is marked failed";
    // report.html: the same tables and one inline plot per metric; junit.xml: 8 suites, nothing failed.
    const std::string html = slurp(fs::path(out) / "report.html");
    EXPECT_GE(occurrences(html, "<svg"), 3u);
    EXPECT_THAT(html, HasSubstr("5 n=2"));
    const std::string junit = slurp(fs::path(out) / "junit.xml");
    EXPECT_THAT(junit, HasSubstr("<testsuites name=\"sweep-e2e\" tests=\"8\" failures=\"0\" errors=\"0\""));
    EXPECT_EQ(occurrences(junit, "<testsuite "), 8u);
    EXPECT_EQ(occurrences(junit, "<testcase "), 8u);
    EXPECT_EQ(occurrences(junit, "<failure"), 0u);
    for (const char* plot : {"01-queued.svg", "02-connect-ok.svg", "03-connect-time.svg"}) {
        const std::string svg = slurp(fs::path(out) / "plots" / plot);
        EXPECT_THAT(svg, HasSubstr("<svg")) << plot << ": is gnuplot-nox installed (./bootstrap)?";
        EXPECT_THAT(svg, HasSubstr("</svg>")) << plot;
    }
    // The sampled server's ESTABLISHED sockets (the accept queue's backlog + 1) over time, a line per cell,
    // in the page and as a file.
    EXPECT_THAT(html, HasSubstr("<h2>Time series</h2>"));
    EXPECT_THAT(html, HasSubstr("ESTABLISHED sockets — sweep-e2e, all hosts of each cell&#39;s first run"));
    const fs::path series = fs::path(out) / "plots" / "series-01-host-sockets.established.svg";
    const std::string svg = slurp(series);
    EXPECT_THAT(svg, HasSubstr("</svg>")) << series;
    for (const char* cell : {"backlog=1, retries=0", "backlog=1, retries=1", "backlog=4, retries=0", "backlog=4, retries=1"})
        EXPECT_THAT(svg, HasSubstr(cell)) << "a line per cell in " << series;
    EXPECT_EQ(fs::status(series).permissions(), fs::perms(0644));
}

TEST_F(LabSweep, ACellThatFailsIsMarkedFailedInEveryOutput) {
    const std::string file = write_scenario(scenario_text(replaced_all(kQueueIsFive, "@SERVER@", server_)));
    const std::string out = sweep_dir("failing");
    const Result r = lab({"sweep", file, "--set", "retries=1", "--repeat", "1", "-j", "2", "--out", out});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("2 runs (0 errors, 0 cut short); 3/4 expectations passed, 1 failed; 0 flaky cells\n"
                                 "  ✗ backlog=1, retries=1\n"));

    const std::string md = slurp(fs::path(out) / "report.md");
    EXPECT_THAT(md, HasSubstr("- **backlog=1, retries=1** ✗\n  - queue-is-five (accept queue = 5 (only where backlog = 4)): "
                              "fail 1/1; expected = 5; observed when failing 2"));
    EXPECT_THAT(md, HasSubstr("| 1 | 2 n=1 ✗ |\n| 4 | 5 n=1 |\n"));

    // junit.xml: a <failure> in exactly the failing cell's testcase.
    const std::string junit = slurp(fs::path(out) / "junit.xml");
    EXPECT_EQ(occurrences(junit, "<failure"), 1u);
    const auto failing = junit.find("<testcase classname=\"sweep-e2e[backlog=1,retries=1]\" name=\"queue-is-five\">");
    ASSERT_NE(failing, std::string::npos) << junit;
    EXPECT_EQ(junit.find("<failure", failing), junit.find("<failure")) << "the failure is inside that testcase";
    EXPECT_LT(junit.find("<failure"), junit.find("</testcase>", failing));
    EXPECT_THAT(junit, HasSubstr("<failure type=\"expectation\" message=\"expected = 5, observed 2\">"));
    EXPECT_THAT(junit, HasSubstr("<testcase classname=\"sweep-e2e[backlog=4,retries=1]\" name=\"queue-is-five\"/>"));

    const auto rows = csv_rows(slurp(fs::path(out) / "results.csv"));
    ASSERT_EQ(rows.size(), 6u);
    for (const auto& row : rows) {
        const bool failing_cell = row.at("backlog") == "1";
        EXPECT_EQ(row.at("fail"), failing_cell ? "1" : "0") << row.at("backlog");
        EXPECT_EQ(row.at("pass"), failing_cell ? "1" : "2") << row.at("backlog");
    }
    for (const auto& path : records_under(fs::path(out) / "runs")) {
        const RunRecord rec = record_at(path);
        for (const auto& v : rec.verdicts)
            if (v.id == "queue-is-five") {
                EXPECT_EQ(v.observed, value_of(rec, "backlog") == "1" ? "2" : "5");
                EXPECT_EQ(v.status, value_of(rec, "backlog") == "1" ? lab::record::VerdictStatus::Fail
                                                                     : lab::record::VerdictStatus::Pass);
            }
    }
}

TEST_F(LabSweep, ResumeAfterSigintFinishesWithoutWritingARunTwice) {
    const std::string file = write_scenario(scenario_text());
    const fs::path out = sweep_dir("resumed");
    const fs::path runs = out / "runs";
    const fs::path stdout_file = dir_ / "first.stdout", stderr_file = dir_ / "first.stderr";
    // One run at a time in grid order: SIGINT lands in the third run, after two records.
    Program first({.exe = kLab,
                   .args = {"sweep", file, "-j", "1", "--order", "grid", "--out", out.string()},
                   .cwd = dir_,
                   .out = Output::to_file(stdout_file),
                   .err = Output::to_file(stderr_file)});
    auto in_progress = [&] {
        std::size_t dirs = 0;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(runs, ec)) dirs += e.is_directory();
        const std::size_t records = records_under(runs).size();
        return records >= 2 && dirs > records;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(40);
    while (!in_progress() && first.running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(first.running()) << "the sweep ended before it could be interrupted: " << slurp(stdout_file);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // into the run's timeline
    ASSERT_EQ(::kill(first.pid(), SIGINT), 0);  // this lab process only, by its pid
    first.wait();
    EXPECT_EQ(first.exit_code(), 2) << slurp(stdout_file) << slurp(stderr_file);
    EXPECT_THAT(slurp(stderr_file), HasSubstr("lab sweep: interrupted; `lab sweep " + file + " --resume --out " + out.string() + "`"));
    EXPECT_THAT(lab_namespaces_of({server_, client_}), ::testing::IsEmpty()) << "an interrupted sweep tears its labs down";

    // What the interrupt left: finished runs (kept as they are) and the run it cut short.
    std::map<std::string, std::string> kept;  // run directory → run id
    std::set<std::string> cut_short;
    for (const auto& e : fs::directory_iterator(runs)) {
        const std::string name = e.path().filename().string();
        if (!fs::exists(e.path() / "record.json")) {
            cut_short.insert(name);
            continue;
        }
        const RunRecord rec = record_at(e.path() / "record.json");
        if (rec.run.outcome == lab::record::RunOutcome::Interrupted) cut_short.insert(name);
        else kept[name] = rec.run.id;
    }
    EXPECT_GE(kept.size(), 2u);
    EXPECT_LT(kept.size(), 8u);
    EXPECT_EQ(cut_short.size(), 1u) << "one run at a time: the interrupt cut one short";

    const Result r = lab({"sweep", file, "--resume", "--out", out.string(), "-j", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("8 runs (0 errors, 0 cut short); 8/8 expectations passed; 0 flaky cells"));
    EXPECT_THAT(r.out, HasSubstr("[" + std::to_string(kept.size() + 1) + "/8]")) << "the kept runs count as done";

    // Every cell × repeat once: one record per run directory, no (cell, repeat) twice, none interrupted.
    std::set<std::pair<std::string, int>> seen;
    std::size_t directories = 0;
    for (const auto& e : fs::directory_iterator(runs)) {
        ++directories;
        const std::string name = e.path().filename().string();
        ASSERT_EQ(records_under(e.path()).size(), 1u) << name;
        const RunRecord rec = record_at(e.path() / "record.json");
        EXPECT_EQ(rec.run.outcome, lab::record::RunOutcome::Completed) << name;
        EXPECT_EQ(name, rec.sweep->cell_id + "-" + std::to_string(rec.sweep->repeat));
        EXPECT_EQ(fs::path(rec.run.directory), e.path());
        EXPECT_TRUE(seen.insert({rec.sweep->cell_id, rec.sweep->repeat}).second) << name << " twice";
        EXPECT_EQ(queue_in(rec, server_), std::stoi(value_of(rec, "backlog")) + 1) << name;
        if (kept.count(name)) {
            EXPECT_EQ(rec.run.id, kept[name]) << name << ": a finished run is not run again";
        }
    }
    EXPECT_EQ(directories, 8u);
    EXPECT_EQ(seen.size(), 8u);
    for (const auto& name : cut_short) {
        const RunRecord rec = record_at(runs / name / "record.json");
        EXPECT_EQ(rec.run.outcome, lab::record::RunOutcome::Completed) << name << " was made again";
    }
    EXPECT_EQ(csv_rows(slurp(out / "results.csv")).size(), 24u);
}

TEST_F(LabSweep, LabRunSetGivesTheSweepCellsRecord) {
    const std::string file = write_scenario(scenario_text());
    const std::string out = sweep_dir("one-repeat");
    const Result sweep = lab({"sweep", file, "--repeat", "1", "-j", "2", "--out", out});
    ASSERT_EQ(sweep.exit_code, 0) << sweep.out << sweep.err;
    // The options before FILE, as users type them: each --set takes one NAME=VALUE.
    const Result run = lab({"run", "--set", "backlog=1", "--set", "retries=0", file, "--out", sweep_dir("run")});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    const auto run_records = records_under(sweep_dir("run"));
    ASSERT_EQ(run_records.size(), 1u);
    const RunRecord alone = record_at(run_records[0]);

    std::optional<RunRecord> in_sweep;
    for (const auto& path : records_under(fs::path(out) / "runs")) {
        RunRecord rec = record_at(path);
        if (value_of(rec, "backlog") == "1" && value_of(rec, "retries") == "0") in_sweep = rec;
    }
    ASSERT_TRUE(in_sweep.has_value());
    ASSERT_TRUE(alone.sweep.has_value());
    EXPECT_EQ(alone.sweep->cell_id, in_sweep->sweep->cell_id);
    EXPECT_EQ(alone.sweep->sweep, in_sweep->sweep->sweep);
    ASSERT_EQ(alone.sweep->values.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(alone.sweep->values[i].name, in_sweep->sweep->values[i].name);
        EXPECT_EQ(alone.sweep->values[i].text, in_sweep->sweep->values[i].text);
        EXPECT_EQ(alone.sweep->values[i].number, in_sweep->sweep->values[i].number);
    }
    ASSERT_EQ(alone.sweep->variables.size(), in_sweep->sweep->variables.size());
    for (std::size_t i = 0; i < alone.sweep->variables.size(); ++i)
        EXPECT_EQ(alone.sweep->variables[i].values, in_sweep->sweep->variables[i].values);
    EXPECT_EQ(alone.sweep->rows, "backlog");
    EXPECT_EQ(alone.sweep->columns, "retries");
    // The same kernel figures: the accept queue (the scenario's invariant) and the connects that completed.
    EXPECT_EQ(queue_in(alone, server_), 2);
    EXPECT_EQ(queue_in(in_sweep.value(), server_), 2);
    EXPECT_EQ(metric_of(alone, "queued"), metric_of(*in_sweep, "queued"));
    EXPECT_EQ(metric_of(alone, "connect-ok"), metric_of(*in_sweep, "connect-ok"));
    ASSERT_EQ(alone.expectations.size(), 1u);
    EXPECT_EQ(alone.expectations[0].equals, in_sweep->expectations[0].equals);
    EXPECT_EQ(alone.verdicts[0].status, in_sweep->verdicts[0].status);
    EXPECT_THAT(run.out, HasSubstr("accept queue = backlog + 1  = 2"));
}

TEST_F(LabSweep, DryRunListsEveryCellCreatesNothingAndNeedsNoRoot) {
    const std::string file = write_scenario(scenario_text());
    const lab::runner::SweepPlan plan = lab::runner::plan_sweep(file);
    ASSERT_EQ(plan.cells.size(), 4u);
    const fs::path cwd = dir_ / "empty";
    fs::create_directories(cwd);
    fs::permissions(cwd, fs::perms(0777));  // nobody could create files here, so creating none means something
    const auto check = [&](const Result& r, const std::string& who) {
        ASSERT_EQ(r.exit_code, 0) << who << ": " << r.out << r.err;
        EXPECT_THAT(r.out, HasSubstr("sweep sweep-e2e of " + file + ": 4 cells × 2 repeats = 8 runs")) << who;
        for (const auto& c : plan.cells)
            EXPECT_THAT(r.out, HasSubstr(c.sweep->cell_id + "  " + lab::runner::describe_cell(c.sweep->values))) << who;
        EXPECT_THAT(r.out, ::testing::ContainsRegex("wall time at -j 2: at least [0-9].* at most [0-9]")) << who;
        EXPECT_TRUE(fs::is_empty(cwd)) << who << " created something";
    };
    check(lab({"sweep", file, "--dry-run", "-j", "2"}, cwd), "root");
    EXPECT_FALSE(fs::exists(dir_ / "runs"));

    // The same as an unprivileged user, where the system lets one run the lab binary here.
    if (!fs::exists("/usr/sbin/runuser") ||
        run("/usr/sbin/runuser", {"-u", "nobody", "--", "/usr/bin/test", "-x", kLab}).exit_code != 0) {
        std::cout << "[  NOTE    ] the unprivileged part was not run: runuser is missing or nobody cannot execute " << kLab
                  << "\n";
        return;
    }
    check(run("/usr/sbin/runuser", {"-u", "nobody", "--", kLab, "sweep", file, "--dry-run", "-j", "2"}, cwd), "nobody");
}

TEST_F(LabSweep, CompareNamesBothSweepsAndExitsOneOnADifference) {
    const std::string file = write_scenario(scenario_text());
    const std::string a = sweep_dir("a"), b = sweep_dir("b");
    const Result ra = lab({"sweep", file, "--repeat", "1", "-j", "2", "--out", a});
    ASSERT_EQ(ra.exit_code, 0) << ra.out << ra.err;
    const Result rb = lab({"sweep", file, "--repeat", "1", "--set", "retries=0", "-j", "2", "--out", b});
    ASSERT_EQ(rb.exit_code, 0) << rb.out << rb.err;

    const Result same = lab({"compare", a, a});
    EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
    EXPECT_THAT(same.out, HasSubstr("0 value differences (0 outside each other's range), 0 verdict differences."));

    const Result r = lab({"compare", a, b});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("- **A:** " + a + " — sweep sweep-e2e"));
    EXPECT_THAT(r.out, HasSubstr("- **B:** " + b + " — sweep sweep-e2e"));
    // The accept queue is the kernel's in both sweeps: equal where both have the cell, B lacks retries=1.
    EXPECT_THAT(r.out, HasSubstr("## queued — accept queue\n\n| backlog \\ retries | 0 · A | 0 · B | 1 · A | 1 · B |\n"
                                 "|---|---:|---:|---:|---:|\n| 1 | 2 | 2 | 2 | absent ≠ |\n| 4 | 5 | 5 | 5 | absent ≠ |\n"));
    EXPECT_THAT(r.out, HasSubstr("- backlog=4, retries=1 — queued: A 5 n=1 vs B not in its grid"));
    EXPECT_THAT(r.out, HasSubstr("The same verdicts in every cell"));
}

TEST_F(LabSweep, AnErrorInOneCellStopsTheSweepBeforeAnythingIsBuilt) {
    // copies = backlog - retries: 0 in the cell backlog=1 retries=1 only.
    const std::string text = scenario_text("", "\"${sweep.backlog} - ${sweep.retries}\"");
    const std::string file = write_scenario(text);
    const auto line_start = text.rfind('\n', text.find("copies = ")) + 1;
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(line_start), '\n'));
    const int column = 1 + static_cast<int>(text.find("\"${sweep.backlog} - ", line_start) - line_start);
    const std::string expected = fmt::format("{}:{}:{}: 'copies' = 0 is out of range [1, 10000] [in 1 of 4 sweep cells: "
                                             "backlog=1 retries=1]",
                                             file, line, column);
    const std::string out = sweep_dir("never");
    const Result r = lab({"sweep", file, "-j", "2", "--out", out});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(expected + "\n"));
    EXPECT_THAT(r.err, HasSubstr("lab sweep: nothing was run: fix the errors above"));
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(fs::exists(out)) << "nothing was created";
    EXPECT_THAT(lab_namespaces_of({server_, client_}), ::testing::IsEmpty());
    const Result v = lab({"validate", file});
    EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
    EXPECT_THAT(v.err, HasSubstr(expected)) << "lab validate checks every cell as lab sweep does";
}

}  // namespace
