// The README's quick start stays two commands (./bootstrap run, ./bootstrap test): other ways in (the CMake
// build, the .deb) get sections of their own rather than lines in that block.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

// The command lines of the first ```sh block under "## Quick start" (comments and blank lines left out).
std::vector<std::string> quick_start_commands(const std::filesystem::path& readme) {
    std::ifstream in(readme);
    std::vector<std::string> commands;
    std::string line;
    bool in_section = false, in_block = false;
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0) {
            if (in_section) break;
            in_section = line == "## Quick start";
        } else if (in_section && !in_block && line == "```sh") {
            in_block = true;
        } else if (in_block && line == "```") {
            break;
        } else if (in_block && !line.empty() && line.front() != '#') {
            commands.push_back(line.substr(0, line.find("  #")));
        }
    }
    return commands;
}

TEST(ReadmeQuickStart, IsExactlyTheTwoBootstrapCommands) {
    const auto commands = quick_start_commands(std::filesystem::path(LAB_SOURCE_DIR) / "README.md");
    ASSERT_EQ(commands.size(), 2u);
    EXPECT_EQ(commands[0].substr(0, commands[0].find_last_not_of(' ') + 1), "./bootstrap run");
    EXPECT_EQ(commands[1].substr(0, commands[1].find_last_not_of(' ') + 1), "./bootstrap test");
}

}  // namespace
