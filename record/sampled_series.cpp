#include "record/sampled_series.hpp"

#include <nlohmann/json.hpp>

namespace lab::record {

void to_json(nlohmann::json& j, const SeriesPoint& p) {
    j = nlohmann::json{{"t", p.t}, {"took_s", p.took_s}, {"values", p.values}};
}

void from_json(const nlohmann::json& j, SeriesPoint& p) {
    const SeriesPoint d;
    p.t = j.value("t", d.t);
    p.took_s = j.value("took_s", d.took_s);
    p.values = j.value("values", d.values);
}

void to_json(nlohmann::json& j, const HostSeries& s) {
    j = nlohmann::json{{"host", s.host},     {"every_s", s.every_s}, {"detail", s.detail},
                       {"points", s.points}, {"skipped", s.skipped}};
}

void from_json(const nlohmann::json& j, HostSeries& s) {
    const HostSeries d;
    s.host = j.at("host").get<std::string>();
    s.every_s = j.value("every_s", d.every_s);
    s.detail = j.value("detail", d.detail);
    s.points = j.value("points", d.points);
    s.skipped = j.value("skipped", d.skipped);
}

}  // namespace lab::record
