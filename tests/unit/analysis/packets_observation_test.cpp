#include "analysis/packets_observation.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "analysis/capture_list.hpp"
#include "capture/pcapng_blocks.hpp"
#include "../capture/synthetic_frames.hpp"

namespace {

using namespace lab;
using namespace lab::capture::synthetic;

constexpr std::int64_t kZero = 1'800'000'000'000'000'000;  // the timeline's t = 0, real time
constexpr std::int64_t kMs = 1'000'000;

capture::PcapngFrame at_ms(std::int64_t ms, std::string data) {
    return capture::PcapngFrame{kZero + ms * kMs, static_cast<std::uint32_t>(data.size()),
                                capture::FrameDirection::Unknown, std::move(data)};
}

// A server that answers a SYN, retransmits its SYN-ACK twice (1 s, 3 s) and finally resets.
capture::PcapngContents server_side() {
    capture::PcapngContents c;
    c.interfaces.push_back({"lab0-e0", "", capture::kLinktypeEthernet, 262144});
    const std::uint8_t synack = kSyn | kAck;
    c.frames = {at_ms(-5, tcp_frame(kClient, kServer, 40000, 7000, kSyn)),
                at_ms(100, tcp_frame(kClient, kServer, 40000, 7000, kSyn)),
                at_ms(101, tcp_frame(kServer, kClient, 7000, 40000, synack)),
                at_ms(1101, tcp_frame(kServer, kClient, 7000, 40000, synack)),
                at_ms(3101, tcp_frame(kServer, kClient, 7000, 40000, synack)),
                at_ms(4000, tcp_frame(kServer, kClient, 7000, 40000, kRst))};
    c.frame_interfaces.assign(c.frames.size(), 0);
    return c;
}

capture::PacketFilter filter(const std::string& text) {
    return std::get<capture::PacketFilter>(capture::PacketFilter::compile(text));
}

TEST(PacketsObservation, CountsMatchingFramesBetweenTwoTimes) {
    const auto c = server_side();
    const auto synacks = filter("src port 7000 and tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)");
    EXPECT_EQ(analysis::count_matching_frames(c, synacks, kZero, std::nullopt, std::nullopt), 3u);
    EXPECT_EQ(analysis::count_matching_frames(c, synacks, kZero, 0.5, std::nullopt), 2u);   // the retransmissions
    EXPECT_EQ(analysis::count_matching_frames(c, synacks, kZero, 0.5, 2.0), 1u);
    EXPECT_EQ(analysis::count_matching_frames(c, filter("tcp[tcpflags] & tcp-rst != 0"), kZero, 3.5, std::nullopt), 1u);
    // The SYN before t = 0 counts only without a lower bound.
    EXPECT_EQ(analysis::count_matching_frames(c, filter("dst port 7000"), kZero, std::nullopt, std::nullopt), 2u);
    EXPECT_EQ(analysis::count_matching_frames(c, filter("dst port 7000"), kZero, 0.0, std::nullopt), 1u);
}

class PacketsRecord : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/lab-packets-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
        std::filesystem::create_directory(dir_ / "captures");
        std::string file = capture::section_header_block();
        file += capture::interface_description_block({"lab0-e0", "", capture::kLinktypeEthernet, 262144});
        for (const auto& f : server_side().frames) file += capture::enhanced_packet_block(f);
        std::ofstream(dir_ / "captures" / "lan.server.pcapng", std::ios::binary) << file;

        rec_.run.directory = dir_.string();
        rec_.snapshots = {{"start", 0.0, {}}, {"settled", 2.0, {}}, {"end", 5.0, {}}};
        record::CaptureFile cf;
        cf.link = "lan";
        cf.host = "server";
        cf.netns = "lab-000000-server";
        cf.interface = "lab0-e0";
        cf.file = "captures/lan.server.pcapng";
        cf.snaplen = 262144;
        cf.packets = 6;
        cf.bytes = 324;
        cf.timeline_zero_unix_ns = kZero;
        rec_.captures.push_back(cf);
        sel_.kind = record::ExpectKind::Packets;
        sel_.host = "server";
        sel_.packets.link = "lan";
        sel_.packets.filter = "src port 7000 and tcp[tcpflags] & tcp-syn != 0";
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path dir_;
    record::RunRecord rec_;
    record::Selection sel_;
};

TEST_F(PacketsRecord, ObservesTheCountBetweenSnapshots) {
    EXPECT_EQ(analysis::observe(rec_, sel_).value, 3.0);
    sel_.packets.from = "start";
    sel_.packets.to = "settled";
    EXPECT_EQ(analysis::observe(rec_, sel_).value, 2.0);
}

TEST_F(PacketsRecord, SaysWhyThereIsNoCount) {
    sel_.host = "client";
    EXPECT_EQ(analysis::observe(rec_, sel_).problem,
              "no capture of link 'lan' at host 'client' in this run (run outcome: completed)");
    sel_.host = "server";
    sel_.packets.to = "never";
    EXPECT_EQ(analysis::observe(rec_, sel_).problem, "snapshot 'never' was not taken (run outcome: completed)");
    sel_.packets.to = "";
    std::filesystem::remove(dir_ / "captures" / "lan.server.pcapng");
    EXPECT_EQ(analysis::observe(rec_, sel_).problem,
              "capture file " + (dir_ / "captures/lan.server.pcapng").string() + " cannot be read");
}

TEST_F(PacketsRecord, ListsEachFileWithTheTcpdumpCommand) {
    rec_.run.directory = "/runs/cap/x";
    EXPECT_EQ(analysis::capture_list(rec_),
              "captures (read with tcpdump, or open in Wireshark):\n"
              "  tcpdump -nn -r /runs/cap/x/captures/lan.server.pcapng\n"
              "      link lan, host server (lab-000000-server), interface lab0-e0: 6 packets, 324 bytes, 0 dropped\n");
    rec_.run.directory = "/runs/it's here";
    EXPECT_NE(analysis::capture_list(rec_).find("tcpdump -nn -r '/runs/it'\\''s here/captures/lan.server.pcapng'"),
              std::string::npos);
}

}  // namespace
