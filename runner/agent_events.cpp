#include "runner/agent_events.hpp"

#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace lab::runner {

record::Event event_from_json_line(const std::string& line, const std::string& process, int instance,
                                   std::int64_t t0_ns) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(fmt::format("not JSON: {}", e.what()));
    }
    if (!j.is_object() || !j.contains("op")) throw std::runtime_error("a JSON object with an 'op' is expected");
    record::Event ev;
    ev.process = process;
    ev.instance = instance;
    auto str = [&](const char* key) {
        auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    auto num = [&](const char* key) -> std::int64_t {
        auto it = j.find(key);
        return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
    };
    ev.agent = str("agent");
    ev.group = str("group");
    ev.op = str("op");
    ev.arg = str("arg");
    ev.result = str("result");
    ev.errno_name = str("errno");
    ev.conn = j.contains("conn") && j["conn"].is_number() ? j["conn"].get<int>() : -1;
    ev.bytes = num("bytes");
    ev.start_t = static_cast<double>(num("start_ns") - t0_ns) / 1e9;
    ev.end_t = static_cast<double>(num("end_ns") - t0_ns) / 1e9;
    for (const auto& [key, value] : j.items()) {
        if (value.is_number() && key != "conn" && key != "bytes" && key != "start_ns" && key != "end_ns")
            ev.values[key] = value.get<double>();
        // One level of nesting ("tcp_info": {"rtt_us": ...}) becomes "tcp_info.rtt_us", so expectations
        // can sum and compare what the socket said about itself.
        if (value.is_object())
            for (const auto& [inner, v] : value.items())
                if (v.is_number()) ev.values[key + "." + inner] = v.get<double>();
    }
    return ev;
}

std::vector<record::Event> parse_agent_events(const std::string& text, const std::string& file_label,
                                              const std::string& process, int instance, std::int64_t t0_ns,
                                              AgentEventErrors* errors) {
    std::vector<record::Event> out;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        try {
            out.push_back(event_from_json_line(line, process, instance, t0_ns));
        } catch (const std::exception& e) {
            // A killed agent may leave a torn last line; count it, keep the rest.
            if (errors) {
                if (errors->malformed_lines++ == 0) errors->first_problem = fmt::format("{}:{}: {}", file_label, number, e.what());
            }
        }
    }
    return out;
}

}  // namespace lab::runner
