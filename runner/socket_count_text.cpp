#include "runner/socket_count_text.hpp"

#include <algorithm>
#include <map>
#include <vector>
#include <utility>

#include <fmt/format.h>

namespace lab::runner {

std::string socket_count_text(const std::string& host, const SocketTally& tally) {
    // By protocol and state, most first, then by name: the picture before the details.
    std::map<std::pair<std::string, std::string>, std::uint64_t> by_state;
    std::uint64_t accept_queue = 0, backlog = 0;
    for (const auto& s : tally.kept) {
        ++by_state[{s.protocol, s.state}];
        if (s.protocol == "tcp" && s.state == "listen") {
            accept_queue += s.recv_q;
            backlog += s.send_q;
        }
    }
    for (const auto& c : tally.counts) by_state[{c.protocol, c.state}] += c.count;
    std::vector<std::pair<std::uint64_t, std::pair<std::string, std::string>>> rows;
    for (const auto& [key, n] : by_state) rows.push_back({n, key});
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string out = host + ":";
    const char* sep = " ";
    for (const auto& [n, key] : rows) {
        out += fmt::format("{}{} {} {}", sep, n, key.first, key.second);
        if (key.first == "tcp" && key.second == "listen") out += fmt::format(" (accept queue {} of {})", accept_queue, backlog);
        sep = ", ";
    }
    if (rows.empty()) out += " no sockets";
    out += fmt::format("; {} socket{}", tally.total, tally.total == 1 ? "" : "s");
    return out;
}

}  // namespace lab::runner
