#include "lab/wire/control_command.hpp"

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include "lab/wire/control_socket.hpp"
#include "shaping/wire_client.hpp"

namespace {

using namespace lab::wire;
using namespace lab::shaping;
using namespace std::chrono_literals;

class Target final : public ControlTarget {
public:
    const Impairment& impairment(Direction d) const override { return specs[static_cast<int>(d)]; }
    void set_impairment(Direction d, const Impairment& m) override { specs[static_cast<int>(d)] = m; }
    nlohmann::ordered_json stats() const override { return {{"frames", 7}}; }
    Impairment specs[2];
};

nlohmann::ordered_json ask(Target& t, const std::string& request) { return handle_control_request(request, t); }

TEST(ControlCommand, SetReplacesOneDirection) {
    Target t;
    auto reply = ask(t, R"({"direction":"a2b","set":"delay=50ms,loss=5%"})");
    EXPECT_EQ(reply["ok"], true) << reply.dump();
    EXPECT_EQ(reply["a2b"], "delay=50ms,loss=5%");
    EXPECT_EQ(reply["b2a"], "none");
    EXPECT_EQ(t.specs[0].delay, 50ms);
    reply = ask(t, R"({"direction":"a2b","set":"loss=1%"})");
    EXPECT_EQ(t.specs[0].delay, 0ms);  // set replaces the whole spec
}

TEST(ControlCommand, UpdateMergesAndBlackholeTogglesBoth) {
    Target t;
    ask(t, R"({"direction":"both","set":"delay=10ms"})");
    auto reply = ask(t, R"({"direction":"b2a","update":"loss=2%"})");
    EXPECT_EQ(reply["b2a"], "delay=10ms,loss=2%");
    reply = ask(t, R"({"direction":"both","blackhole":true})");
    EXPECT_EQ(reply["ok"], true);
    EXPECT_TRUE(t.specs[0].blackhole);
    EXPECT_TRUE(t.specs[1].blackhole);
    EXPECT_EQ(t.specs[1].loss, 0.02);
    ask(t, R"({"direction":"both","blackhole":false})");
    EXPECT_FALSE(t.specs[0].blackhole);
}

TEST(ControlCommand, ErrorsNameTheProblemAndChangeNothing) {
    Target t;
    ask(t, R"({"direction":"both","set":"delay=10ms"})");
    auto before = t.specs[0];
    for (const char* bad : {R"(not json)", R"([1,2])", R"({"direction":"x","set":"delay=1ms"})",
                            R"({"direction":"a2b","set":"delay=1ms","update":"loss=1%"})",
                            R"({"direction":"a2b","set":"loss=200%"})", R"({"direction":"a2b"})",
                            R"({"set":"delay=1ms"})", R"({"direction":"a2b","blackhole":"yes"})",
                            R"({"direction":"a2b","sett":"delay=1ms"})"}) {
        auto reply = ask(t, bad);
        EXPECT_EQ(reply["ok"], false) << bad;
        EXPECT_TRUE(reply["error"].is_string()) << bad;
    }
    EXPECT_NE(ask(t, R"({"direction":"a2b","set":"loss=200%"})")["error"].get<std::string>().find("loss=200%"),
              std::string::npos);
    EXPECT_NE(ask(t, R"({"direction":"a2b","sett":"x"})")["error"].get<std::string>().find("sett"), std::string::npos);
    EXPECT_EQ(t.specs[0], before);
}

TEST(ControlCommand, GetReturnsSpecsAndStats) {
    Target t;
    auto reply = ask(t, R"({"get":true})");
    EXPECT_EQ(reply["ok"], true);
    EXPECT_EQ(reply["stats"]["frames"], 7);
}

TEST(ControlCommand, ClientRoundTripThroughTheSocket) {
    const std::string path = (std::filesystem::temp_directory_path() / ("labwire-test-" + std::to_string(getpid()) + ".sock")).string();
    Target t;
    {
        ControlSocket server(path);
        std::thread serve([&] {
            for (int served = 0; served < 2;) {
                if (auto r = server.receive()) {
                    server.reply(*r, handle_control_request(r->text, t).dump());
                    ++served;
                } else {
                    std::this_thread::sleep_for(1ms);
                }
            }
        });
        auto reply = nlohmann::json::parse(send_wire_command(path, R"({"direction":"both","set":"delay=5ms"})"));
        EXPECT_EQ(reply["ok"], true);
        reply = nlohmann::json::parse(send_wire_command(path, R"({"direction":"x"})"));
        EXPECT_EQ(reply["ok"], false);
        serve.join();
        EXPECT_EQ(t.specs[1].delay, 5ms);
    }
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_THROW(send_wire_command(path, R"({"get":true})", 100ms), std::system_error);
}

}  // namespace
