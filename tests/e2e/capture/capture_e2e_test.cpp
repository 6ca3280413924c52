// End-to-end: a run with `capture` on its link writes one pcapng file per end, holding the handshakes the
// kernel made — read back here with lab's reader and pcap filters, and by tcpdump — and its `packets`
// expectations count them.
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "capture/packet_filter.hpp"
#include "capture/pcapng_reader.hpp"
#include "record/run_record.hpp"
#include "tests/e2e/support/file_text.hpp"
#include "tests/e2e/support/program.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace {

const std::string kLab = std::string(LAB_BIN_DIR) + "/lab";
const std::string kScenario = std::string(LAB_SOURCE_DIR) + "/tests/e2e/scenarios/capture-handshake.toml";
const std::string kStepsScenario = std::string(LAB_SOURCE_DIR) + "/tests/e2e/scenarios/capture-steps.toml";

using lab::e2e::Output;
using lab::e2e::slurp;

struct Result {
    int exit_code = -1;
    std::string out;  // stdout, then stderr
};

class Capture : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: builds network namespaces";
        dir_ = fs::temp_directory_path() / ("lab-capture-e2e-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        if (!dir_.empty()) fs::remove_all(dir_);
    }

    Result run(const std::string& program, std::vector<std::string> args) {
        const auto ran = lab::e2e::run_to_end({.exe = program,
                                               .args = std::move(args),
                                               .out = Output::to_file(dir_ / "stdout"),
                                               .err = Output::to_file(dir_ / "stderr")});
        return {ran.exit_code, ran.out + ran.err};
    }

    fs::path only_record() {
        for (const auto& e : fs::recursive_directory_iterator(dir_ / "runs"))
            if (e.path().filename() == "record.json") return e.path();
        ADD_FAILURE() << "no record.json";
        return {};
    }

    fs::path dir_;
};

lab::capture::PacketFilter filter(const std::string& text) {
    return std::get<lab::capture::PacketFilter>(lab::capture::PacketFilter::compile(text));
}

std::int64_t counter_delta(const lab::record::RunRecord& r, const std::string& host, const std::string& counter) {
    const lab::record::Snapshot* start = nullptr;
    const lab::record::Snapshot* end = nullptr;
    for (const auto& s : r.snapshots) {
        if (s.name == "start") start = &s;
        if (s.name == "end") end = &s;
    }
    return end->hosts.at(host).counters.at(counter) - start->hosts.at(host).counters.at(counter);
}

// The TCP flags byte and source/destination ports of an Ethernet/IPv4/TCP frame.
struct TcpHead {
    std::uint16_t sport, dport;
    std::uint8_t flags;
};
TcpHead tcp_head(const std::string& f) {
    const std::size_t ip = 14, tcp = ip + 4 * (static_cast<std::uint8_t>(f[ip]) & 0x0f);
    auto u16 = [&](std::size_t at) {
        return static_cast<std::uint16_t>(static_cast<std::uint8_t>(f[at]) << 8 | static_cast<std::uint8_t>(f[at + 1]));
    };
    return {u16(tcp), u16(tcp + 2), static_cast<std::uint8_t>(f[tcp + 13])};
}

TEST_F(Capture, EachEndHoldsTheHandshakesAndThePacketsExpectationCountsThem) {
    Result r = run(kLab, {"run", "--out", (dir_ / "runs").string(), kScenario});
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const fs::path record_path = only_record();
    const auto rec = lab::record::run_record_from_json(nlohmann::json::parse(slurp(record_path)));
    ASSERT_EQ(rec.captures.size(), 2u);
    for (const auto& v : rec.verdicts) EXPECT_EQ(v.status, lab::record::VerdictStatus::Pass) << v.id << ": " << v.detail;
    ASSERT_EQ(rec.verdicts.size(), 3u);
    EXPECT_EQ(rec.verdicts[0].observed, "5");

    // What the kernel says it did: five connections opened on each side.
    ASSERT_EQ(counter_delta(rec, "client", "Tcp.ActiveOpens"), 5);
    ASSERT_EQ(counter_delta(rec, "server", "Tcp.PassiveOpens"), 5);

    const auto syn = filter("tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn");
    const auto synack = filter("tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)");
    for (const auto& c : rec.captures) {
        SCOPED_TRACE(c.host);
        EXPECT_EQ(c.link, "lan");
        EXPECT_EQ(c.snaplen, 128u);
        EXPECT_EQ(c.dropped, 0u);
        EXPECT_EQ(c.not_written, 0u);
        EXPECT_EQ(c.problem, "");
        const fs::path file = record_path.parent_path() / c.file;
        EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
        const auto contents = lab::capture::read_pcapng(slurp(file), file.string());
        ASSERT_EQ(contents.interfaces.size(), 1u);
        EXPECT_EQ(contents.interfaces[0].name, c.interface);
        EXPECT_EQ(contents.frames.size(), c.packets);

        // Per connection (the client's port), in file order: SYN out of the client, SYN-ACK back, then the ACK.
        const bool server_end = c.host == "server";
        std::map<std::uint16_t, std::vector<std::string>> flows;
        int syns = 0, synacks = 0;
        for (const auto& f : contents.frames) {
            if (f.data.size() < 54 || f.data[12] != 0x08 || f.data[13] != 0x00 || f.data[23] != 6) continue;  // IPv4 TCP
            const TcpHead h = tcp_head(f.data);
            const bool from_client = h.dport == 7000;
            const bool sent_here = f.direction == lab::capture::FrameDirection::Outbound;
            EXPECT_EQ(sent_here, server_end != from_client) << "direction of a frame to port " << h.dport;
            auto& seq = flows[from_client ? h.sport : h.dport];
            if (syn.matches(f)) ++syns, seq.push_back("SYN");
            else if (synack.matches(f)) ++synacks, seq.push_back("SYN-ACK");
            else if (seq.size() == 2 && from_client && h.flags == 0x10) seq.push_back("ACK");
        }
        EXPECT_EQ(syns, 5);
        EXPECT_EQ(synacks, 5);
        ASSERT_EQ(flows.size(), 5u);
        for (const auto& [port, seq] : flows)
            EXPECT_THAT(seq, ::testing::ElementsAre("SYN", "SYN-ACK", "ACK")) << "client port " << port;

        // tcpdump reads the file and sees the same frames.
        Result dump = run(lab::e2e::find_program("tcpdump").string(), {"-nn", "-r", file.string()});
        ASSERT_EQ(dump.exit_code, 0) << dump.out;
        EXPECT_EQ(static_cast<std::uint64_t>(std::count(dump.out.begin(), dump.out.end(), '\n')) - 1, c.packets)
            << dump.out;  // one line per frame plus tcpdump's "reading from file" line
    }

    Result report = run(kLab, {"report", record_path.string()});
    EXPECT_EQ(report.exit_code, 0) << report.out;
    EXPECT_THAT(report.out, HasSubstr("tcpdump -nn -r " + (record_path.parent_path() / "captures/lan.server.pcapng").string()));
    EXPECT_THAT(report.out, HasSubstr("tcpdump -nn -r " + (record_path.parent_path() / "captures/lan.client.pcapng").string()));
}

TEST_F(Capture, StepsStartAndStopWritingTheFrames) {
    Result r = run(kLab, {"run", "--out", (dir_ / "runs").string(), kStepsScenario});
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const fs::path record_path = only_record();
    const auto rec = lab::record::run_record_from_json(nlohmann::json::parse(slurp(record_path)));
    ASSERT_EQ(rec.captures.size(), 2u);
    ASSERT_EQ(counter_delta(rec, "client", "Tcp.ActiveOpens"), 9);
    const auto syn = filter("dst port 7000 and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn");
    for (const auto& c : rec.captures) {
        SCOPED_TRACE(c.host);
        const fs::path file = record_path.parent_path() / c.file;
        const auto contents = lab::capture::read_pcapng(slurp(file), file.string());
        int syns = 0;
        for (const auto& f : contents.frames) {
            syns += syn.matches(f);
            // Every frame lies between the start step (600 ms) and the stop step (1200 ms), give or take the
            // frames the kernel timestamped before the step and lab read after it.
            const double t = static_cast<double>(f.unix_ns - c.timeline_zero_unix_ns) / 1e9;
            EXPECT_GT(t, 0.55);
            EXPECT_LT(t, 1.25);
        }
        EXPECT_EQ(syns, 3);
        EXPECT_EQ(contents.frames.size(), c.packets);
    }
}

}  // namespace
