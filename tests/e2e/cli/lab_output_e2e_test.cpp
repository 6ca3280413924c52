// End-to-end: `lab` as scripts and CI systems use it — --json documents on stdout, --junit files — and
// the `output` selector judging real programs (ApacheBench, a shell client) by the counts they print.
// list, validate and the text layout of list need no root; running needs root and skips without it.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "record/run_record.hpp"
#include "tests/e2e/support/file_text.hpp"
#include "tests/e2e/support/program.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Json = nlohmann::json;

namespace {

const std::string kLab = std::string(LAB_BIN_DIR) + "/lab";
const std::string kScenarios = std::string(LAB_SOURCE_DIR) + "/scenarios";
const std::string kPrinted = std::string(LAB_SOURCE_DIR) + "/tests/e2e/scenarios/printed-counters.toml";

using lab::e2e::Output;
using lab::e2e::ProgramSpec;
using lab::e2e::Result;
using lab::e2e::run_to_end;
using lab::e2e::slurp;

class LabOutput : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("lab-output-e2e-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    // `env` adds to (or, with an empty value, removes from) lab's environment.
    Result lab(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
        ProgramSpec spec{.exe = kLab,
                         .args = args,
                         .unset_env = {"COLUMNS"},
                         .out = Output::to_file(dir_ / "stdout"),
                         .err = Output::to_file(dir_ / "stderr")};
        for (const auto& [k, v] : env)
            if (!v.empty()) spec.env.emplace_back(k, v);
        return run_to_end(spec);
    }

    std::string write(const std::string& name, const std::string& text) {
        const fs::path p = dir_ / name;
        std::ofstream(p) << text;
        return p.string();
    }

    static void need_root() {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: builds network namespaces";
    }

    fs::path dir_;
};

std::map<std::string, Json> verdicts_by_id(const Json& run) {
    std::map<std::string, Json> out;
    for (const auto& v : run.at("verdicts")) out[v.at("id").get<std::string>()] = v;
    return out;
}

TEST_F(LabOutput, OutputExpectationsJudgeWhatAbAndAShellClientPrinted) {
    need_root();
    const std::string junit = (dir_ / "reports" / "junit.xml").string();
    Result r = lab({"run", kPrinted, "--out", (dir_ / "runs").string(), "--json", "--junit", junit});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    // stdout is one JSON document and nothing else; the verdict table went to stderr.
    const Json doc = Json::parse(r.out);
    EXPECT_THAT(r.err, HasSubstr("ab reports every request complete"));
    EXPECT_EQ(doc.at("schema"), "lab.run/1");
    EXPECT_EQ(doc.at("status"), "pass");
    EXPECT_EQ(doc.at("exit_code"), 0);
    ASSERT_EQ(doc.at("runs").size(), 1u);
    const Json& run = doc.at("runs")[0];
    EXPECT_EQ(run.at("scenario"), "printed-counters");
    EXPECT_EQ(run.at("outcome"), "completed");
    EXPECT_EQ(run.at("counts"), (Json{{"pass", 6}, {"fail", 0}, {"skip", 0}}));
    auto v = verdicts_by_id(run);
    EXPECT_EQ(v.at("ab-complete").at("observed"), "20");
    EXPECT_EQ(v.at("ab-failed").at("observed"), "0");
    EXPECT_EQ(v.at("connects-ok").at("observed"), "3");
    EXPECT_EQ(v.at("connects-refused-each").at("observed"), "2");
    EXPECT_EQ(v.at("second-copy-refused").at("observed"), "2");
    EXPECT_EQ(v.at("report-lines").at("observed"), "3");
    ASSERT_EQ(run.at("metrics").size(), 1u);
    EXPECT_EQ(run.at("metrics")[0].at("value"), 0.0);

    // The record keeps the streams the selectors read (and only those), so it can be judged again alone.
    const auto rec = lab::record::run_record_from_json(Json::parse(slurp(run.at("record").get<std::string>())));
    std::map<std::string, int> kept;
    for (const auto& o : rec.outputs) ++kept[o.process + "." + o.stream];
    EXPECT_EQ(kept, (std::map<std::string, int>{{"ab.stdout", 1}, {"counter.stderr", 3}, {"counter.stdout", 3}}));
    for (const auto& o : rec.outputs)
        if (o.process == "ab") {
            EXPECT_THAT(o.text, HasSubstr("Failed requests:        0"));
        }
    Result report = lab({"report", run.at("record").get<std::string>()});
    EXPECT_EQ(report.exit_code, 0) << report.out << report.err;

    // --junit: one testcase per expectation, nothing failed, written 0644.
    const std::string xml = slurp(junit);
    EXPECT_THAT(xml, HasSubstr("<testsuites name=\"lab run\" tests=\"6\" failures=\"0\" errors=\"0\" skipped=\"0\""));
    EXPECT_THAT(xml, HasSubstr("<testcase classname=\"printed-counters\" name=\"ab-failed\"/>"));
    struct stat st{};
    ASSERT_EQ(::stat(junit.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
}

TEST_F(LabOutput, AFailedOutputExpectationIsAJUnitFailureWithWhereAndCompareNamesTheDifference) {
    need_root();
    std::string text = slurp(kPrinted);
    const std::string from = "pattern = 'connect_ok=(\\d+)' }\nequals = 3";
    ASSERT_NE(text.find(from), std::string::npos);
    text.replace(text.find(from), from.size(), "pattern = 'connect_ok=(\\d+)' }\nequals = 4");
    const std::string wrong = write("printed-counters.toml", text);
    const std::string junit = (dir_ / "junit.xml").string();
    Result bad = lab({"run", wrong, "--out", (dir_ / "runs").string(), "-q", "--junit", junit});
    ASSERT_EQ(bad.exit_code, 1) << bad.out << bad.err;
    const std::string xml = slurp(junit);
    EXPECT_THAT(xml, HasSubstr("tests=\"6\" failures=\"1\""));
    EXPECT_THAT(xml, HasSubstr("<failure type=\"expectation\" message=\"expected = 4, observed 3\">"));
    EXPECT_THAT(xml, HasSubstr("where: " + wrong + ":50:1"));

    Result good = lab({"run", kPrinted, "--out", (dir_ / "runs").string(), "-q"});
    ASSERT_EQ(good.exit_code, 0) << good.out << good.err;
    Result c = lab({"compare", (dir_ / "runs").string(), "--json"});
    EXPECT_EQ(c.exit_code, 1) << c.err;
    const Json doc = Json::parse(c.out);
    EXPECT_EQ(doc.at("schema"), "lab.compare/1");
    EXPECT_EQ(doc.at("kind"), "records");
    EXPECT_EQ(doc.at("compared"), 1);
    EXPECT_EQ(doc.at("differing"), 1);
    ASSERT_EQ(doc.at("scenarios").size(), 1u);
    EXPECT_EQ(doc.at("scenarios")[0].at("runs").size(), 2u);
    EXPECT_EQ(doc.at("scenarios")[0].at("verdicts_differ"), 1);
    EXPECT_THAT(doc.at("scenarios")[0].at("differences")[0].get<std::string>(), HasSubstr("connects-ok"));
}

TEST_F(LabOutput, DoctorJsonListsEveryCheck) {
    need_root();
    Result r = lab({"doctor", "--json"});
    const Json doc = Json::parse(r.out);
    EXPECT_EQ(doc.at("schema"), "lab.doctor/1");
    EXPECT_EQ(doc.at("ready"), r.exit_code == 0);
    EXPECT_EQ(doc.at("checks")[0].at("name"), "kernel");
    EXPECT_EQ(doc.at("checks")[1].at("name"), "root");
    EXPECT_EQ(doc.at("checks")[1].at("status"), "ok");
}

TEST_F(LabOutput, ListAndValidateJsonDescribeTheCatalogueAndPointAtMistakes) {
    Result l = lab({"list", kScenarios, "--json"});
    ASSERT_EQ(l.exit_code, 0) << l.err;
    const Json list = Json::parse(l.out);
    EXPECT_EQ(list.at("schema"), "lab.list/1");
    bool found = false;
    for (const auto& s : list.at("scenarios"))
        if (s.at("name") == "backlog-30-netcat") {
            found = true;
            EXPECT_EQ(s.at("source_doc"), "001");
            EXPECT_EQ(s.at("source_kernel"), "2.6.26");
            EXPECT_EQ(s.at("valid"), true);
        }
    EXPECT_TRUE(found) << l.out;

    const std::string bad = write("bad.toml", slurp(kPrinted) + "\n[[expect]]\noutput = { process = \"ab\", pattern = 'Failed requests' }\nequals = 0\n");
    Result v = lab({"validate", kPrinted, bad, "--json"});
    EXPECT_EQ(v.exit_code, 2);
    EXPECT_EQ(v.err, "") << "with --json the diagnostics are in the document";
    const Json doc = Json::parse(v.out);
    EXPECT_EQ(doc.at("valid"), false);
    ASSERT_EQ(doc.at("files").size(), 2u);
    EXPECT_EQ(doc.at("files")[0].at("valid"), true);
    EXPECT_EQ(doc.at("files")[0].at("expectations"), 6);
    EXPECT_EQ(doc.at("files")[0].at("metrics"), 1);
    const Json& d = doc.at("files")[1].at("diagnostics").at(0);
    EXPECT_EQ(d.at("file"), bad);
    EXPECT_EQ(d.at("line"), 81);
    EXPECT_EQ(d.at("column"), 38);
    EXPECT_THAT(d.at("message").get<std::string>(), HasSubstr("needs exactly one capture group"));
}

TEST_F(LabOutput, ListCutsLinesToTheWidthItIsGivenAndNotIntoAPipe) {
    Result piped = lab({"list", kScenarios});
    ASSERT_EQ(piped.exit_code, 0) << piped.err;
    Result cut = lab({"list", kScenarios}, {{"COLUMNS", "100"}});
    ASSERT_EQ(cut.exit_code, 0) << cut.err;
    std::istringstream piped_lines(piped.out), cut_lines(cut.out);
    std::string p, c;
    std::size_t longest_piped = 0, cut_count = 0, lines = 0;
    while (std::getline(piped_lines, p) && std::getline(cut_lines, c)) {
        ++lines;
        longest_piped = std::max(longest_piped, p.size());
        // Columns, not bytes: "…" is three bytes and one column.
        std::size_t columns = 0;
        for (unsigned char ch : c) columns += (ch & 0xC0) != 0x80;
        EXPECT_LE(columns, 100u) << c;
        EXPECT_EQ(c.substr(0, c.find(' ')), p.substr(0, p.find(' '))) << "the same scenario on the same line";
        if (c.size() >= 3 && c.substr(c.size() - 3) == "…") ++cut_count;
    }
    EXPECT_GT(lines, 10u);
    EXPECT_GT(longest_piped, 300u) << "into a pipe the summaries are whole";
    EXPECT_GT(cut_count, 5u);

    Result l = lab({"list", kScenarios, "--long"}, {{"COLUMNS", "72"}});
    ASSERT_EQ(l.exit_code, 0);
    EXPECT_THAT(l.out, HasSubstr("backlog-30-netcat  (seed 001, 2.6.26)\n    "));
    std::istringstream long_lines(l.out);
    while (std::getline(long_lines, p)) {
        std::size_t columns = 0;
        for (unsigned char ch : p) columns += (ch & 0xC0) != 0x80;
        EXPECT_LE(columns, 72u) << p;
    }
}

}  // namespace
