// results.csv and results.jsonl: tidy rows, RFC 4180 quoting, JSON types.
#include "analysis/sweep_results.hpp"

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sweep_records.hpp"

namespace lab::analysis {
namespace {

using test::backlog_by_cookies;
using test::full_grid;
using test::stored;

std::vector<std::string> split(const std::string& text, const std::string& sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t at; (at = text.find(sep, start)) != std::string::npos; start = at + sep.size())
        out.push_back(text.substr(start, at - start));
    if (start < text.size()) out.push_back(text.substr(start));
    return out;
}

TEST(SweepResults, CsvFieldsAreQuotedOnlyWhenTheyMustBe) {
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field(""), "");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
    EXPECT_EQ(csv_field(" spaced "), " spaced ");
}

TEST(SweepResults, OneCsvRowPerCellRepeatAndMetricWithTheVariablesAsColumns) {
    auto records = full_grid(backlog_by_cookies(), 2);
    test::set_metric(stored(records, {"64", "1"}, 1).record, "connect_p50", std::nullopt, "no event matched, \"connect\"");
    test::fail_verdict(stored(records, {"64", "1"}, 1).record, "66", "66 is not = 65");
    Sweep s = gather_sweep(records);
    std::string csv = results_csv(s);
    auto lines = split(csv, "\r\n");
    ASSERT_EQ(lines.size(), 1u + 6 * 2 * 2);
    EXPECT_EQ(lines[0],
              "sweep,backlog,tcp_syncookies,cell_id,repeat,metric,value,unit,problem,pass,fail,skip,outcome,kernel,"
              "backend,hostname");
    EXPECT_EQ(lines[1], "backlog-sweep,16,0,c-16-0,0,accept_queue,17,connections,,1,0,0,completed,6.18.44-fc-v669,userspace,labhost");
    EXPECT_EQ(lines[2], "backlog-sweep,16,0,c-16-0,0,connect_p50,25.5,ms,,1,0,0,completed,6.18.44-fc-v669,userspace,labhost");
    EXPECT_EQ(lines[3], "backlog-sweep,16,0,c-16-0,1,accept_queue,17,connections,,1,0,0,completed,6.18.44-fc-v669,userspace,labhost");
    // Cell 64/1, repeat 1: the failing run, without a connect_p50 value, its problem quoted.
    EXPECT_EQ(lines[15], "backlog-sweep,64,1,c-64-1,1,accept_queue,65,connections,,0,1,0,completed,6.18.44-fc-v669,userspace,labhost");
    EXPECT_EQ(lines[16],
              "backlog-sweep,64,1,c-64-1,1,connect_p50,,ms,\"no event matched, \"\"connect\"\"\",0,1,0,completed,"
              "6.18.44-fc-v669,userspace,labhost");
    EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
}

TEST(SweepResults, AVariableNamedLikeAFixedColumnIsPrefixed) {
    std::vector<record::SweepVariable> vars = {{"repeat", {"a", "b"}}};
    Sweep s = gather_sweep(full_grid(vars, 1));
    auto columns = result_columns(s);
    ASSERT_GE(columns.size(), 3u);
    EXPECT_EQ(columns[1], "variable.repeat");
    EXPECT_EQ(columns[3], "repeat");
}

TEST(SweepResults, JsonLinesCarryTheSameRowsWithNumbersAsNumbers) {
    auto records = full_grid({{"backlog", {"16", "64"}}, {"cc", {"cubic", "reno,\"x\""}}}, 1);
    test::set_metric(records[0].record, "accept_queue", std::nullopt, "snapshot 'steady' was not taken");
    Sweep s = gather_sweep(records);
    std::string jsonl = results_jsonl(s);
    auto lines = split(jsonl, "\n");
    ASSERT_EQ(lines.size(), 8u);
    auto first = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(first["sweep"], "backlog-sweep");
    EXPECT_EQ(first["backlog"], 16);  // the scenario wrote a number
    EXPECT_TRUE(first["backlog"].is_number_integer());
    EXPECT_NE(lines[0].find("\"backlog\":16,"), std::string::npos) << lines[0];  // not 16.0
    EXPECT_EQ(first["cc"], "cubic");
    EXPECT_EQ(first["repeat"], 0);
    EXPECT_EQ(first["metric"], "accept_queue");
    EXPECT_TRUE(first["value"].is_null());
    EXPECT_EQ(first["problem"], "snapshot 'steady' was not taken");
    EXPECT_EQ(first["pass"], 1);
    EXPECT_EQ(first["fail"], 0);
    EXPECT_EQ(first["hostname"], "labhost");
    auto second = nlohmann::json::parse(lines[1]);
    EXPECT_EQ(second["value"], 25.5);
    EXPECT_TRUE(second["value"].is_number_float());
    auto queue = nlohmann::json::parse(lines[4]);  // backlog 64: accept_queue 65
    EXPECT_EQ(queue["metric"], "accept_queue");
    EXPECT_TRUE(queue["value"].is_number_integer()) << lines[4];
    EXPECT_EQ(second["unit"], "ms");
    auto odd = nlohmann::json::parse(lines[2]);
    EXPECT_EQ(odd["cc"], "reno,\"x\"");
    // Keys in the CSV's column order.
    std::vector<std::string> keys;
    auto ordered = nlohmann::ordered_json::parse(lines[0]);
    for (auto it = ordered.begin(); it != ordered.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, result_columns(s));
    EXPECT_NE(results_csv(s).find(",\"reno,\"\"x\"\"\","), std::string::npos);
}

TEST(SweepResults, ARunOfASweepWithoutMetricsStillHasItsRowOfVerdicts) {
    auto records = full_grid({{"backlog", {"16"}}}, 2);
    for (auto& r : records) {
        r.record.metrics.clear();
        r.record.metric_values.clear();
    }
    Sweep s = gather_sweep(records);
    auto lines = split(results_csv(s), "\r\n");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[1], "backlog-sweep,16,c-16,0,,,,,1,0,0,completed,6.18.44-fc-v669,userspace,labhost");
}

TEST(SweepResults, MissingCellsHaveNoRows) {
    auto records = full_grid(backlog_by_cookies(), 1);
    records.erase(records.begin());
    Sweep s = gather_sweep(records);
    EXPECT_EQ(result_rows(s).size(), 5u * 2);
    EXPECT_EQ(result_rows(s).front().cell_id, "c-16-1");
}

}  // namespace
}  // namespace lab::analysis
