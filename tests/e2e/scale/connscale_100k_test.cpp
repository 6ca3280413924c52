// End-to-end: connscale-100k on the real kernel. The numbers come from where the issue asks: socket counts
// from the kernel's table in the record's snapshot, ping answers from the agents' own counters, and each
// agent's per-second series from the record's processes.
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "record/run_record.hpp"
#include "tests/e2e/support/file_text.hpp"
#include "tests/e2e/support/program.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kLab = std::string(LAB_BIN_DIR) + "/lab";
const std::string kScenario = std::string(LAB_SOURCE_DIR) + "/scenarios/scale/connscale-100k.toml";
constexpr int kClients = 8;
constexpr int kPerClient = 12'500;
constexpr int kConnections = kClients * kPerClient;

using lab::e2e::Output;
using lab::e2e::slurp;

class ConnScale100k : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: builds network namespaces";
        dir_ = fs::temp_directory_path() / ("lab-scale-e2e-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        if (!dir_.empty()) fs::remove_all(dir_);
    }

    lab::record::RunRecord run_once() {
        const fs::path out = dir_ / "out";
        const auto ran = lab::e2e::run_to_end({.exe = kLab,
                                               .args = {"run", "-q", "--out", (dir_ / "runs").string(), kScenario},
                                               .out = Output::to_file(out),
                                               .err = Output::to_file(out.string() + ".err")});
        EXPECT_EQ(ran.exit_code, 0) << ran.out << ran.err;
        for (const auto& e : fs::recursive_directory_iterator(dir_ / "runs"))
            if (e.path().filename() == "record.json")
                return lab::record::run_record_from_json(nlohmann::json::parse(slurp(e.path())));
        ADD_FAILURE() << "no record.json";
        return {};
    }

    fs::path dir_;
};

double summary_sum(const lab::record::RunRecord& r, const std::string& prefix, const std::string& field) {
    double sum = 0;
    for (const auto& e : r.events)
        if (e.op == "summary" && e.process.rfind(prefix, 0) == 0 && e.values.count(field)) sum += e.values.at(field);
    return sum;
}

// Sockets in `state` on `port` (the local port where `local`, else the remote one), from whatever the
// snapshot kept: above 20 000 sockets a host's view holds counts by state and port, not every entry.
std::uint64_t sockets_on(const lab::record::HostView& v, const std::string& state, std::uint16_t port, bool local) {
    std::uint64_t n = 0;
    for (const auto& s : v.sockets) n += s.state == state && (local ? s.local_port : s.remote_port) == port;
    for (const auto& c : v.socket_counts)
        if (c.state == state && (local ? c.local_port : c.remote_port) == port) n += c.count;
    return n;
}

TEST_F(ConnScale100k, AllEstablishedEveryPingAnsweredSeriesRecorded) {
    const auto r = run_once();
    ASSERT_EQ(r.run.outcome, lab::record::RunOutcome::Completed) << r.run.outcome_detail;

    // The kernel's socket table, in the snapshot taken while the clients held their connections.
    const lab::record::Snapshot* all_up = nullptr;
    for (const auto& s : r.snapshots)
        if (s.name == "all-up") all_up = &s;
    ASSERT_NE(all_up, nullptr);
    const lab::record::HostView& server = all_up->hosts.at("server");
    EXPECT_EQ(server.detail, lab::record::kDetailCounts) << "100 000 sockets are counted, not listed";
    EXPECT_EQ(sockets_on(server, "established", 7000, true), static_cast<std::uint64_t>(kConnections));
    for (int i = 1; i <= kClients; ++i)
        EXPECT_EQ(sockets_on(all_up->hosts.at("client" + std::to_string(i)), "established", 7000, false),
                  static_cast<std::uint64_t>(kPerClient))
            << "client" << i;

    // The agents' counters: every connect ok, every ping answered within its timeout.
    EXPECT_EQ(summary_sum(r, "client", "connects_ok"), kConnections);
    EXPECT_EQ(summary_sum(r, "client", "connects_failed"), 0);
    const double pings = summary_sum(r, "client", "pings");
    EXPECT_GE(pings, kConnections);  // at least one on every connection
    EXPECT_EQ(summary_sum(r, "client", "pongs"), pings);
    EXPECT_EQ(summary_sum(r, "client", "ping_timeouts"), 0);
    EXPECT_EQ(summary_sum(r, "client", "unanswered_at_exit"), 0);

    // Per process, a per-second series: the clients' established count reaches their share, the servers'
    // accepted counts add up to every connection; the "second" lines are not among the events.
    int clients = 0;
    double accepted = 0;
    for (const auto& p : r.processes) {
        ASSERT_GE(p.series.size(), 3u) << p.name << "." << p.instance;
        for (std::size_t k = 1; k < p.series.size(); ++k) EXPECT_GT(p.series[k].t, p.series[k - 1].t) << p.name;
        double established_max = 0;
        for (const auto& sample : p.series) {
            ASSERT_TRUE(sample.values.count("established")) << p.name;
            established_max = std::max(established_max, sample.values.at("established"));
            if (p.name == "srv") accepted += sample.values.at("accepted");
        }
        if (p.name.rfind("client", 0) == 0) {
            ++clients;
            EXPECT_EQ(established_max, kPerClient) << p.name;
            EXPECT_TRUE(p.series.front().values.count("rtt_us.p99")) << p.name;
            EXPECT_TRUE(p.series.front().values.count("connect_us.p50")) << p.name;
        }
    }
    EXPECT_EQ(clients, kClients);
    EXPECT_EQ(accepted, kConnections);
    for (const auto& e : r.events) EXPECT_NE(e.op, "second");

    for (const auto& v : r.verdicts) EXPECT_EQ(v.status, lab::record::VerdictStatus::Pass) << v.id << " " << v.detail;
}

}  // namespace
