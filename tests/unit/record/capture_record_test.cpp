// The capture files and the `packets` selection survive record.json.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "record/run_record.hpp"

namespace {

using namespace lab::record;

TEST(CaptureRecordJson, CapturesAndPacketsSelectionsRoundTrip) {
    RunRecord a;
    a.scenario.name = "cap";
    CaptureFile c;
    c.link = "lan";
    c.host = "server";
    c.netns = "lab-ab12cd-server";
    c.interface = "labab12cd-e0";
    c.file = "captures/lan.server.pcapng";
    c.path = "/runs/cap/x/captures/lan.server.pcapng";
    c.snaplen = 128;
    c.max_bytes = 1 << 20;
    c.packets = 38;
    c.bytes = 2676;
    c.dropped = 2;
    c.not_written = 3;
    c.timeline_zero_unix_ns = 1'796'078'686'222'769'829;
    c.problem = "write x: ENOSPC";
    a.captures.push_back(c);
    Expectation e;
    e.id = "synacks";
    e.kind = ExpectKind::Packets;
    e.host = "server";
    e.packets = {"lan", "tcp[tcpflags] & tcp-syn != 0", "start", "settled"};
    e.equals = 5;
    a.expectations.push_back(e);

    const RunRecord b = run_record_from_json(nlohmann::json::parse(to_json(a).dump()));
    ASSERT_EQ(b.captures.size(), 1u);
    const CaptureFile& d = b.captures[0];
    EXPECT_EQ(d.link, "lan");
    EXPECT_EQ(d.host, "server");
    EXPECT_EQ(d.netns, "lab-ab12cd-server");
    EXPECT_EQ(d.interface, "labab12cd-e0");
    EXPECT_EQ(d.file, c.file);
    EXPECT_EQ(d.path, c.path);
    EXPECT_EQ(d.snaplen, 128u);
    EXPECT_EQ(d.max_bytes, 1u << 20);
    EXPECT_EQ(d.packets, 38u);
    EXPECT_EQ(d.bytes, 2676u);
    EXPECT_EQ(d.dropped, 2u);
    EXPECT_EQ(d.not_written, 3u);
    EXPECT_EQ(d.timeline_zero_unix_ns, 1'796'078'686'222'769'829);
    EXPECT_EQ(d.problem, "write x: ENOSPC");
    ASSERT_EQ(b.expectations.size(), 1u);
    EXPECT_EQ(b.expectations[0].kind, ExpectKind::Packets);
    EXPECT_EQ(b.expectations[0].packets.link, "lan");
    EXPECT_EQ(b.expectations[0].packets.filter, "tcp[tcpflags] & tcp-syn != 0");
    EXPECT_EQ(b.expectations[0].packets.from, "start");
    EXPECT_EQ(b.expectations[0].packets.to, "settled");
}

}  // namespace
