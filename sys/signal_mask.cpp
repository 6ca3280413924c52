#include "sys/signal_mask.hpp"

#include <cstdint>
#include <fstream>
#include <string>

#include <fmt/format.h>

namespace lab::sys {

bool blocks_signal(pid_t pid, int sig) {
    std::ifstream status(fmt::format("/proc/{}/status", pid));
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("SigBlk:", 0) != 0) continue;
        try {
            const std::uint64_t mask = std::stoull(line.substr(7), nullptr, 16);
            return (mask >> (sig - 1)) & 1U;
        } catch (const std::exception&) {
            return false;
        }
    }
    return false;
}

}  // namespace lab::sys
