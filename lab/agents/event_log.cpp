#include "lab/agents/event_log.hpp"

#include "sys/monotonic_clock.hpp"

#include <cerrno>
#include <cstdio>

#include <unistd.h>

#include "common/errno_name.hpp"

namespace lab::agent {

void Event::fail_at(const char* step, int err) {
    result = Result::Error;
    error = err;
    end_ns = sys::monotonic_ns();
    extra["step"] = step;
}

std::string_view result_name(Result result) {
    switch (result) {
    case Result::Ok: return "ok";
    case Result::Error: return "error";
    case Result::Timeout: return "timeout";
    case Result::Eof: return "eof";
    case Result::Abandoned: return "abandoned";
    }
    return "?";
}

std::string format_event(std::string_view agent, std::string_view group, const Event& event) {
    nlohmann::ordered_json j;
    j["agent"] = agent;
    j["group"] = group;
    j["conn"] = event.conn;
    j["op"] = event.op;
    j["arg"] = event.arg;
    j["result"] = result_name(event.result);
    j["errno"] = event.error == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(errno_name(event.error));
    j["bytes"] = event.bytes;
    j["start_ns"] = event.start_ns;
    j["end_ns"] = event.end_ns;
    for (const auto& [key, value] : event.extra.items())
        if (!j.contains(key)) j[key] = value;
    // Group names and op text come from a command line and may hold any bytes; a replaced
    // character is better than an agent that dies mid-run on an exception.
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

EventLog::EventLog(std::string agent, std::string group, int fd)
    : agent_(std::move(agent)), group_(std::move(group)), fd_(fd) {}

void EventLog::write(const Event& event) {
    ++counts_[event.op][std::string(result_name(event.result))];
    write_line(format_event(agent_, group_, event));
}

void EventLog::write_summary(Event summary) {
    nlohmann::ordered_json counts = nlohmann::ordered_json::object();
    for (const auto& [op, results] : counts_)
        for (const auto& [result, n] : results) counts[op][result] = n;
    summary.extra["counts"] = std::move(counts);
    write_line(format_event(agent_, group_, summary));
}

void EventLog::write_line(std::string line) {
    line.push_back('\n');
    // One write() per line, so each line lands whole even when the file is shared or tailed.
    std::size_t done = 0;
    while (done < line.size()) {
        ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int err = n < 0 ? errno : EIO;
            // The run goes on: losing the log is bad, but killing the sockets under observation is worse.
            if (!write_failed_)
                std::fprintf(stderr, "event log: write to stdout failed (%s); events are being lost\n",
                             errno_name(err).c_str());
            write_failed_ = true;
            return;
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace lab::agent
