#include "lab/agents/server_mode.hpp"

#include <gtest/gtest.h>

using lab::agent::ServerMode;

namespace {

TEST(ServerMode, ParsesEachModeAndNamesItBack) {
    for (auto mode : {ServerMode::Echo, ServerMode::Sink, ServerMode::Hold, ServerMode::Reset, ServerMode::Ack, ServerMode::Http}) {
        auto parsed = lab::agent::parse_server_mode(lab::agent::server_mode_name(mode));
        ASSERT_FALSE(lab::failed(parsed));
        EXPECT_EQ(std::get<ServerMode>(parsed), mode);
    }
    EXPECT_EQ(lab::agent::server_mode_name(ServerMode::Hold), "hold");
    EXPECT_EQ(lab::agent::server_mode_name(ServerMode::Reset), "reset");
    EXPECT_EQ(lab::agent::server_mode_name(ServerMode::Ack), "ack");
    EXPECT_EQ(lab::agent::server_mode_name(ServerMode::Http), "http");
}

TEST(ServerMode, RejectsUnknownModes) {
    auto parsed = lab::agent::parse_server_mode("rst");
    ASSERT_TRUE(lab::failed(parsed));
    EXPECT_EQ(std::get<lab::ParseError>(parsed).message, "unknown mode 'rst' (expected echo, sink, hold, reset, ack or http)");
}

}  // namespace
