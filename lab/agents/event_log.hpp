#pragma once
// The agents' only output: one JSON object per line on stdout, one line per op, written whole and
// flushed at once so that a killed agent leaves at most one torn line and a runner tailing the file
// sees each op as it ends.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace lab::agent {

enum class Result { Ok, Error, Timeout, Eof, Abandoned };

std::string_view result_name(Result result);

struct Event {
    int conn = -1;  // -1 for events that belong to no connection (listen, summary)
    std::string op;
    std::string arg;
    Result result = Result::Ok;
    int error = 0;  // errno value; 0 writes "errno": null
    std::uint64_t bytes = 0;
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;
    nlohmann::ordered_json extra = nlohmann::ordered_json::object();  // op-specific fields, after the common ones

    // Marks the event failed now with `err`, naming the system call that failed when the op's
    // name alone would not say which ("socket", "bind", "setsockopt").
    void fail_at(const char* step, int err);
};

// The JSON line without its newline. Common fields come first and in a fixed order so that lines
// read well with grep and diff; extra fields never replace a common one.
std::string format_event(std::string_view agent, std::string_view group, const Event& event);

class EventLog {
public:
    EventLog(std::string agent, std::string group, int fd);

    void write(const Event& event);

    // Writes the summary event with "counts": {op: {result: n}} over everything written so far.
    // The summary itself is not counted.
    void write_summary(Event summary);

    // counts[op][result]
    const std::map<std::string, std::map<std::string, std::uint64_t>>& counts() const { return counts_; }

private:
    void write_line(std::string line);

    std::string agent_;
    std::string group_;
    int fd_;
    bool write_failed_ = false;
    std::map<std::string, std::map<std::string, std::uint64_t>> counts_;
};

}  // namespace lab::agent
