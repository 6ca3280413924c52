#include "analysis/series_table.hpp"

#include <set>
#include <vector>

#include <fmt/format.h>

#include "analysis/series_quantity.hpp"
#include "analysis/text_table.hpp"

namespace lab::analysis {
namespace {

std::string host_table(const record::HostSeries& s, std::size_t max_rows) {
    // Only the columns some sample of this host has, and not those that stay 0 throughout.
    std::vector<const SeriesQuantity*> shown;
    for (const SeriesQuantity& c : host_series_quantities())
        for (const auto& p : s.points)
            if (auto it = p.values.find(c.metric); it != p.values.end() && it->second != 0) {
                shown.push_back(&c);
                break;
            }
    std::vector<TableColumn> columns = {{"t (s)", 8}};
    for (const SeriesQuantity* c : shown) columns.push_back({c->header, 12});
    std::set<std::size_t> picked;
    const std::size_t n = s.points.size();
    if (n <= max_rows) {
        for (std::size_t i = 0; i < n; ++i) picked.insert(i);
    } else if (max_rows >= 2) {
        for (std::size_t k = 0; k < max_rows; ++k) picked.insert(k * (n - 1) / (max_rows - 1));
    }
    std::vector<TableRow> rows;
    for (std::size_t i : picked) {
        const auto& p = s.points[i];
        TableRow row;
        row.cells.push_back(fmt::format("{:.2f}", p.t));
        for (const SeriesQuantity* c : shown) {
            auto it = p.values.find(c->metric);
            row.cells.push_back(it == p.values.end() ? "—" : fmt::format("{:.{}f}", it->second / c->scale, c->decimals));
        }
        rows.push_back(std::move(row));
    }
    std::string heading = fmt::format("series of host '{}': every {}s, {} samples{}{}\n", s.host, s.every_s, n,
                                      s.skipped ? fmt::format(", {} periods skipped (a sample outlasted its period)", s.skipped) : "",
                                      n > max_rows ? fmt::format(" ({} shown)", picked.size()) : "");
    if (shown.empty()) return heading + "  no socket, rate or memory was ever above 0\n";
    return heading + render_text_table(columns, rows);
}

}  // namespace

std::string series_table(const record::RunRecord& r, std::size_t max_rows) {
    std::string out;
    for (const auto& s : r.series) out += (out.empty() ? "" : "\n") + host_table(s, max_rows);
    return out;
}

}  // namespace lab::analysis
