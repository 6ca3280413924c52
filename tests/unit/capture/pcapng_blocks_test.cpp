#include "capture/pcapng_blocks.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>

#include "capture/pcapng_reader.hpp"
#include "synthetic_frames.hpp"

namespace {

using namespace lab::capture;
using namespace lab::capture::synthetic;

std::uint32_t u32_at(const std::string& s, std::size_t at) {
    std::uint32_t v;
    std::memcpy(&v, s.data() + at, 4);
    return v;
}

TEST(PcapngBlocks, SectionHeaderIsTheFixed28Bytes) {
    const std::string shb = section_header_block();
    ASSERT_EQ(shb.size(), 28u);
    EXPECT_EQ(u32_at(shb, 0), 0x0A0D0D0Au);
    EXPECT_EQ(u32_at(shb, 4), 28u);
    EXPECT_EQ(u32_at(shb, 8), 0x1A2B3C4Du);
    EXPECT_EQ(u32_at(shb, 24), 28u);
}

TEST(PcapngBlocks, InterfaceDescriptionCarriesTheNamePaddedTo32Bits) {
    const std::string idb = interface_description_block({"lab3f2a01-e0", "", kLinktypeEthernet, 262144});
    // 8 header + 8 fixed + if_name (4 + 12) + if_tsresol (4 + 4) + end (4) + 4 trailer
    ASSERT_EQ(idb.size(), 48u);
    EXPECT_EQ(u32_at(idb, 0), 1u);
    EXPECT_EQ(u32_at(idb, 4), 48u);
    EXPECT_EQ(u32_at(idb, 12), 262144u);
    EXPECT_EQ(idb.substr(20, 12), "lab3f2a01-e0");
    EXPECT_EQ(u32_at(idb, 44), 48u);
}

TEST(PcapngBlocks, EnhancedPacketPadsTheFrameAndKeepsBothLengths) {
    PcapngFrame f{1'700'000'000'123'456'789, 1514, FrameDirection::Outbound, std::string(55, 'x')};
    const std::string epb = enhanced_packet_block(f);
    // 8 + 20 fixed + 56 padded data + epb_flags (8) + end (4) + 4
    ASSERT_EQ(epb.size(), 100u);
    EXPECT_EQ(u32_at(epb, 0), 6u);
    EXPECT_EQ(u32_at(epb, 20), 55u);
    EXPECT_EQ(u32_at(epb, 24), 1514u);
    EXPECT_EQ(u32_at(epb, 96), 100u);
}

TEST(PcapngBlocks, AFileRoundTripsThroughTheReader) {
    std::string file = section_header_block();
    file += interface_description_block({"lab3f2a01-e1", "host client, link lan", kLinktypeEthernet, 96});
    const PcapngFrame syn{1'700'000'000'000'000'001, 54, FrameDirection::Outbound,
                          tcp_frame(kClient, kServer, 40000, 9999, kSyn)};
    const PcapngFrame synack{1'700'000'000'000'100'002, 54, FrameDirection::Inbound,
                             tcp_frame(kServer, kClient, 9999, 40000, kSyn | kAck)};
    file += enhanced_packet_block(syn);
    file += enhanced_packet_block(synack);
    file += interface_statistics_block(1'700'000'001'000'000'000, 2, 0);

    const PcapngContents c = read_pcapng(file, "t.pcapng");
    ASSERT_EQ(c.interfaces.size(), 1u);
    EXPECT_EQ(c.interfaces[0].name, "lab3f2a01-e1");
    EXPECT_EQ(c.interfaces[0].description, "host client, link lan");
    EXPECT_EQ(c.interfaces[0].snaplen, 96u);
    ASSERT_EQ(c.frames.size(), 2u);
    EXPECT_EQ(c.frames[0].unix_ns, syn.unix_ns);
    EXPECT_EQ(c.frames[0].data, syn.data);
    EXPECT_EQ(c.frames[0].direction, FrameDirection::Outbound);
    EXPECT_EQ(c.frames[1].unix_ns, synack.unix_ns);
    EXPECT_EQ(c.frames[1].direction, FrameDirection::Inbound);
    EXPECT_EQ(c.frames[1].original_length, 54u);
}

TEST(PcapngReader, RefusesATruncatedFileNamingTheOffset) {
    std::string file = section_header_block() + interface_description_block({"e0", "", kLinktypeEthernet, 96});
    file += enhanced_packet_block({1, 54, FrameDirection::Unknown, std::string(54, 'a')});
    file.resize(file.size() - 8);
    try {
        read_pcapng(file, "cut.pcapng");
        FAIL() << "a truncated file was read";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "cut.pcapng: not a pcapng file lab can read: a block length of 92 bytes at byte 68");
    }
}

TEST(PcapngReader, RefusesAFileWithoutSectionHeader) {
    EXPECT_THROW(read_pcapng(interface_description_block({"e0", "", 1, 96}), "x"), std::runtime_error);
}

}  // namespace
