#include "runner/net_counters.hpp"

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "runner/netlink_socket.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {
namespace {

struct Line {
    std::size_t number = 0;  // 1-based, for messages
    std::string_view section;
    std::vector<std::string_view> fields;
};

std::vector<std::string_view> split_fields(std::string_view text) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == ' ' || text[i] == '\t' || text[i] == '\r') {
            ++i;
            continue;
        }
        std::size_t end = text.find_first_of(" \t\r", i);
        if (end == std::string_view::npos) end = text.size();
        fields.push_back(text.substr(i, end - i));
        i = end;
    }
    return fields;
}

Line parse_line(std::string_view text, std::size_t number) {
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0)
        throw std::invalid_argument("counter line " + std::to_string(number) + ": no 'Section:' prefix");
    return {number, text.substr(0, colon), split_fields(text.substr(colon + 1))};
}

// Counters are unsigned in the kernel except the odd -1 (Tcp.MaxConn); an unsigned value past INT64_MAX keeps
// its bits, so that counter_delta's modular subtraction still gives the right difference across a wrap.
std::int64_t parse_value(std::string_view text, const Line& line, std::string_view name) {
    const char* first = text.data();
    const char* last = text.data() + text.size();
    std::from_chars_result result{};
    std::int64_t value = 0;
    if (!text.empty() && text.front() == '-') {
        result = std::from_chars(first, last, value);
    } else {
        std::uint64_t unsigned_value = 0;
        result = std::from_chars(first, last, unsigned_value);
        value = static_cast<std::int64_t>(unsigned_value);
    }
    if (result.ec != std::errc() || result.ptr != last)
        throw std::invalid_argument("counter line " + std::to_string(line.number) + ": value '" + std::string(text) +
                                    "' of " + std::string(line.section) + "." + std::string(name) +
                                    " is not an integer");
    return value;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) sys::throw_kernel_error("read_net_counters: open " + path, errno);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) sys::throw_kernel_error("read_net_counters: read " + path, errno);
    return std::move(text).str();
}

}  // namespace

CounterMap parse_counter_text(std::string_view text) {
    std::vector<Line> lines;
    std::size_t number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view raw = text.substr(start, end - start);
        ++number;
        if (raw.find_first_not_of(" \t\r") != std::string_view::npos) lines.push_back(parse_line(raw, number));
        start = end + 1;
    }

    CounterMap counters;
    for (std::size_t i = 0; i < lines.size(); i += 2) {
        const Line& names = lines[i];
        if (i + 1 == lines.size())
            throw std::invalid_argument("counter line " + std::to_string(names.number) + ": section '" +
                                        std::string(names.section) + "' has names but no value line");
        const Line& values = lines[i + 1];
        if (values.section != names.section)
            throw std::invalid_argument("counter line " + std::to_string(values.number) + ": section '" +
                                        std::string(values.section) + "' follows the names of '" +
                                        std::string(names.section) + "'");
        if (values.fields.size() != names.fields.size())
            throw std::invalid_argument("counter line " + std::to_string(values.number) + ": section '" +
                                        std::string(names.section) + "' has " + std::to_string(names.fields.size()) +
                                        " names but " + std::to_string(values.fields.size()) + " values");
        for (std::size_t k = 0; k < names.fields.size(); ++k) {
            std::string key = std::string(names.section) + "." + std::string(names.fields[k]);
            counters[std::move(key)] = parse_value(values.fields[k], values, names.fields[k]);
        }
    }
    return counters;
}

CounterMap read_net_counters() {
    CounterMap counters = parse_counter_text(read_file("/proc/thread-self/net/netstat"));
    counters.merge(parse_counter_text(read_file("/proc/thread-self/net/snmp")));
    return counters;
}

CounterMap counter_delta(const CounterMap& before, const CounterMap& after) {
    // Unsigned subtraction: the kernel's counters wrap modulo 2^64, and so does the difference.
    auto minus = [](std::int64_t a, std::int64_t b) {
        return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
    };
    CounterMap delta;
    for (const auto& [name, value] : after) {
        auto it = before.find(name);
        delta[name] = minus(value, it == before.end() ? 0 : it->second);
    }
    for (const auto& [name, value] : before)
        if (!after.contains(name)) delta[name] = minus(0, value);
    return delta;
}

}  // namespace lab::runner
