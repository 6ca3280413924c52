// End-to-end: a sampled ramp of 2000 connections (tests/e2e/scenarios/sampled-ramp.toml) run by the `lab`
// binary, and its record read back: the series carries the kernel's numbers as they moved, and the
// counts-level snapshot counts what the full snapshot just before it listed.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "record/run_record.hpp"
#include "tests/e2e/support/file_text.hpp"
#include "tests/e2e/support/program.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kLab = std::string(LAB_BIN_DIR) + "/lab";
const std::string kScenario = std::string(LAB_SOURCE_DIR) + "/tests/e2e/scenarios/sampled-ramp.toml";
constexpr double kConnections = 2000;

using lab::e2e::Output;
using lab::e2e::slurp;

const lab::record::HostSeries& series_of(const lab::record::RunRecord& r, const std::string& host) {
    for (const auto& s : r.series)
        if (s.host == host) return s;
    throw std::runtime_error("no series of " + host);
}

const lab::record::HostView& view(const lab::record::RunRecord& r, const std::string& snapshot, const std::string& host) {
    for (const auto& s : r.snapshots)
        if (s.name == snapshot) return s.hosts.at(host);
    throw std::runtime_error("no snapshot " + snapshot);
}

std::vector<double> values(const lab::record::HostSeries& s, const std::string& metric) {
    std::vector<double> out;
    for (const auto& p : s.points)
        if (auto it = p.values.find(metric); it != p.values.end()) out.push_back(it->second);
    return out;
}

// Sockets per "protocol state", from whatever the view kept.
std::map<std::string, std::uint64_t> per_state(const lab::record::HostView& v) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& s : v.sockets) ++out[s.protocol + " " + s.state];
    for (const auto& c : v.socket_counts) out[c.protocol + " " + c.state] += c.count;
    return out;
}

class SeriesRun : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (::geteuid() != 0) return;
        dir_ = fs::temp_directory_path() / ("lab-series-e2e-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        const auto ran = lab::e2e::run_to_end({.exe = kLab,
                                               .args = {"run", "--out", (dir_ / "runs").string(), kScenario},
                                               .out = Output::to_file(dir_ / "stdout"),
                                               .err = Output::to_file(dir_ / "stderr")});
        exit_code_ = ran.exit_code;
        for (const auto& e : fs::recursive_directory_iterator(dir_ / "runs"))
            if (e.path().filename() == "record.json")
                record_ = lab::record::run_record_from_json(nlohmann::json::parse(slurp(e.path())));
    }
    static void TearDownTestSuite() {
        if (!dir_.empty()) fs::remove_all(dir_);
    }
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: builds network namespaces";
        ASSERT_EQ(exit_code_, 0) << slurp(dir_ / "stdout") << slurp(dir_ / "stderr");
    }

    static inline fs::path dir_;
    static inline int exit_code_ = -1;
    static inline lab::record::RunRecord record_;
};

// ctest runs each test in a process of its own: one run, so one test, its parts below.
void established_rises_to_the_total_and_sockstat_sees_them(const lab::record::RunRecord& record_) {
    const auto& server = series_of(record_, "server");
    EXPECT_EQ(server.every_s, 0.25);
    EXPECT_EQ(server.detail, "counts");
    ASSERT_GE(server.points.size(), 12u);  // 4 per second over a timeline of at least 5.5 s
    for (std::size_t i = 1; i < server.points.size(); ++i) EXPECT_GT(server.points[i].t, server.points[i - 1].t);

    const auto established = values(server, "sockets.established");
    ASSERT_EQ(established.size(), server.points.size());
    EXPECT_EQ(established.front(), 0);
    const auto peak = std::max_element(established.begin(), established.end());
    EXPECT_EQ(*peak, kConnections);
    // A ramp: never down on the way up, and at least two samples strictly between 0 and the total.
    EXPECT_TRUE(std::is_sorted(established.begin(), peak + 1));
    EXPECT_GE(std::count_if(established.begin(), peak, [](double v) { return v > 0 && v < kConnections; }), 2);

    const auto inuse = values(server, "sockstat.tcp.inuse");
    ASSERT_FALSE(inuse.empty());
    EXPECT_GE(*std::max_element(inuse.begin(), inuse.end()), kConnections);
    const auto opens = values(server, "rate.Tcp.PassiveOpens");
    ASSERT_FALSE(opens.empty());
    EXPECT_GT(*std::max_element(opens.begin(), opens.end()), 100);

    const auto client = values(series_of(record_, "client"), "sockets.established");
    EXPECT_EQ(*std::max_element(client.begin(), client.end()), kConnections);
}

void every_process_has_its_resident_memory(const lab::record::RunRecord& record_) {
    for (const auto& [host, process] : {std::pair{"server", "srv"}, std::pair{"client", "cli"}}) {
        const auto rss = values(series_of(record_, host), std::string("rss.") + process + ".0");
        ASSERT_FALSE(rss.empty()) << host;
        if (rss.empty()) return;
        EXPECT_GT(*std::min_element(rss.begin(), rss.end()), 100 * 1024) << host;  // a running agent: > 100 KiB
        const auto total = values(series_of(record_, host), "rss.total");
        EXPECT_GE(*std::max_element(total.begin(), total.end()), *std::max_element(rss.begin(), rss.end())) << host;
    }
}

void a_counts_snapshot_counts_what_the_full_one_listed(const lab::record::RunRecord& record_) {
    for (const std::string host : {"server", "client"}) {
        const auto& full = view(record_, "up-full", host);
        const auto& counts = view(record_, "up-counts", host);
        EXPECT_EQ(full.detail, "full");
        EXPECT_EQ(counts.detail, "counts");
        EXPECT_FALSE(counts.socket_counts.empty());
        EXPECT_EQ(per_state(counts), per_state(full)) << host;
        EXPECT_EQ(per_state(full)["tcp established"], kConnections) << host;
    }
    // The server's listener is kept whole, its backlog with it; no connection is.
    const auto& server = view(record_, "up-counts", "server");
    ASSERT_EQ(server.sockets.size(), 1u);
    EXPECT_EQ(server.sockets[0].state, "listen");
    EXPECT_EQ(server.sockets[0].send_q, 512u);
    EXPECT_EQ(view(record_, "after", "server").detail, "none");
    EXPECT_TRUE(view(record_, "after", "server").sockets.empty());
    EXPECT_FALSE(view(record_, "after", "server").counters.empty());
}

void the_verdicts_held(const lab::record::RunRecord& record_) {
    ASSERT_EQ(record_.verdicts.size(), record_.expectations.size());
    for (const auto& v : record_.verdicts) EXPECT_EQ(v.status, lab::record::VerdictStatus::Pass) << v.id << ": " << v.detail;
}

// The run's directory holds its series drawn: the ramp of ESTABLISHED sockets on the server, a line per host.
void the_series_are_drawn_beside_the_record(const lab::record::RunRecord& record_) {
    const fs::path plots = fs::path(record_.run.directory) / "plots";
    ASSERT_TRUE(fs::is_directory(plots)) << plots;
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(plots)) files.push_back(e.path().filename().string());
    std::sort(files.begin(), files.end());
    ASSERT_FALSE(files.empty());
    EXPECT_EQ(files.front(), "series-01-host-sockets.established.svg");
    const std::string svg = slurp(plots / files.front());
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    for (const auto& host : record_.series) EXPECT_NE(svg.find(">host " + host.host + "</text>"), std::string::npos) << host.host;
    EXPECT_EQ(fs::status(plots / files.front()).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
}

TEST_F(SeriesRun, SampledRampRecordHoldsTheKernelsNumbers) {
    {
        SCOPED_TRACE("plots");
        the_series_are_drawn_beside_the_record(record_);
    }
    {
        SCOPED_TRACE("series");
        established_rises_to_the_total_and_sockstat_sees_them(record_);
    }
    {
        SCOPED_TRACE("rss");
        every_process_has_its_resident_memory(record_);
    }
    {
        SCOPED_TRACE("counts vs full");
        a_counts_snapshot_counts_what_the_full_one_listed(record_);
    }
    {
        SCOPED_TRACE("verdicts");
        the_verdicts_held(record_);
    }
}

}  // namespace
