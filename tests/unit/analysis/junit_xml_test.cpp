// JUnit XML: parsed back with a small strict reader, its shape checked against the conventions CI
// systems read (testsuites > testsuite > properties?, testcase*; testcase > failure | error | skipped;
// tests/failures/errors/skipped counted on every level), its counts and its escaping.
#include "analysis/junit_xml.hpp"

#include <map>
#include <memory>
#include <stdexcept>

#include <gtest/gtest.h>

#include "sweep_records.hpp"

namespace lab::analysis {
namespace {

using test::backlog_by_cookies;
using test::full_grid;
using test::stored;
using test::sweep_record;

struct Node {
    std::string name;
    std::map<std::string, std::string> attributes;
    std::vector<Node> children;
    std::string text;

    const std::string& attr(const std::string& key) const {
        auto it = attributes.find(key);
        if (it == attributes.end()) throw std::runtime_error("<" + name + "> has no attribute " + key);
        return it->second;
    }
    std::vector<const Node*> all(const std::string& child) const {
        std::vector<const Node*> out;
        for (const auto& c : children)
            if (c.name == child) out.push_back(&c);
        return out;
    }
};

// Just enough XML for what we write: a declaration, elements, double-quoted attributes, text, the five
// entities and numeric references. Anything else — an unescaped '<' or '&', a mismatched end tag — throws.
class XmlReader {
public:
    explicit XmlReader(std::string text) : s_(std::move(text)) {}

    Node document() {
        if (s_.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0) != 0) throw std::runtime_error("no XML declaration");
        i_ = s_.find('\n') + 1;
        Node root = element();
        skip_space();
        if (i_ != s_.size()) throw std::runtime_error("content after the root element");
        return root;
    }

private:
    std::string s_;
    std::size_t i_ = 0;

    void skip_space() {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    void expect(char c) {
        if (i_ >= s_.size() || s_[i_] != c)
            throw std::runtime_error(std::string("expected '") + c + "' at " + std::to_string(i_) + ": " + s_.substr(i_, 40));
        ++i_;
    }
    std::string name() {
        std::size_t start = i_;
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '-' || s_[i_] == ':'))
            ++i_;
        if (start == i_) throw std::runtime_error("expected a name at " + std::to_string(i_));
        return s_.substr(start, i_ - start);
    }
    std::string characters(char stop) {
        std::string out;
        while (i_ < s_.size() && s_[i_] != stop) {
            char c = s_[i_];
            if (c == '<' || (stop == '"' && c == '>')) throw std::runtime_error("unescaped markup at " + std::to_string(i_));
            if (c == '&') {
                std::size_t end = s_.find(';', i_);
                std::string ref = s_.substr(i_ + 1, end - i_ - 1);
                if (ref == "amp") out += '&';
                else if (ref == "lt") out += '<';
                else if (ref == "gt") out += '>';
                else if (ref == "quot") out += '"';
                else if (ref == "apos" || ref == "#39") out += '\'';
                else throw std::runtime_error("unknown entity &" + ref + ";");
                i_ = end + 1;
                continue;
            }
            out += c;
            ++i_;
        }
        return out;
    }
    Node element() {
        Node n;
        expect('<');
        n.name = name();
        while (true) {
            skip_space();
            if (s_.compare(i_, 2, "/>") == 0) {
                i_ += 2;
                return n;
            }
            if (s_[i_] == '>') break;
            std::string key = name();
            expect('=');
            expect('"');
            std::string value = characters('"');
            expect('"');
            if (!n.attributes.emplace(key, value).second) throw std::runtime_error("attribute " + key + " twice");
        }
        expect('>');
        while (true) {
            n.text += characters('<');
            if (s_.compare(i_, 2, "</") == 0) {
                i_ += 2;
                if (name() != n.name) throw std::runtime_error("mismatched end tag of <" + n.name + ">");
                expect('>');
                return n;
            }
            n.children.push_back(element());
        }
    }
};

std::size_t number(const Node& n, const std::string& key) { return std::stoul(n.attr(key)); }

// The conventions every JUnit reader relies on; returns the root for further checks.
Node checked(const std::string& xml) {
    Node root = XmlReader(xml).document();
    EXPECT_EQ(root.name, "testsuites");
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    for (const auto& suite : root.children) {
        EXPECT_EQ(suite.name, "testsuite");
        EXPECT_FALSE(suite.attr("name").empty());
        std::size_t t = 0, f = 0, e = 0, s = 0;
        bool seen_testcase = false;
        for (const auto& child : suite.children) {
            if (child.name == "properties") {
                EXPECT_FALSE(seen_testcase) << "properties after a testcase";
                for (const auto& p : child.children) {
                    EXPECT_EQ(p.name, "property");
                    p.attr("name");
                    p.attr("value");
                }
                continue;
            }
            EXPECT_EQ(child.name, "testcase");
            seen_testcase = true;
            ++t;
            child.attr("classname");
            child.attr("name");
            EXPECT_LE(child.children.size(), 1u);
            for (const auto& outcome : child.children) {
                if (outcome.name == "failure") ++f;
                else if (outcome.name == "error") ++e;
                else if (outcome.name == "skipped") ++s;
                else ADD_FAILURE() << "unexpected <" << outcome.name << "> in a testcase";
            }
        }
        EXPECT_EQ(number(suite, "tests"), t) << suite.attr("name");
        EXPECT_EQ(number(suite, "failures"), f) << suite.attr("name");
        EXPECT_EQ(number(suite, "errors"), e) << suite.attr("name");
        EXPECT_EQ(number(suite, "skipped"), s) << suite.attr("name");
        suite.attr("time");
        tests += t, failures += f, errors += e, skipped += s;
    }
    EXPECT_EQ(number(root, "tests"), tests);
    EXPECT_EQ(number(root, "failures"), failures);
    EXPECT_EQ(number(root, "errors"), errors);
    EXPECT_EQ(number(root, "skipped"), skipped);
    return root;
}

record::RunRecord plain_run() {
    auto r = sweep_record(backlog_by_cookies(), {"16", "0"}, 0, 1);
    r.sweep.reset();
    r.scenario.name = "backlog <30> & \"netcat\"";
    r.run.hostname = "host'1";
    record::Verdict fail = r.verdicts[0];
    fail.id = "syn-recv";
    fail.status = record::VerdictStatus::Fail;
    fail.expected = "≥ 20";
    fail.observed = "0";
    fail.documented = "29";
    fail.origin = "scenarios/x.toml:52:1";
    fail.detail = "0 < 20 <script>";
    record::Verdict skip = r.verdicts[0];
    skip.id = "old-kernel";
    skip.status = record::VerdictStatus::Skip;
    skip.detail = "kernel 6.18 is not <5.0";
    r.verdicts.push_back(fail);
    r.verdicts.push_back(skip);
    return r;
}

TEST(JunitXml, APlainRunIsOneSuiteWithATestcasePerExpectation) {
    auto r = plain_run();
    Node root = checked(junit_xml({&r}));
    EXPECT_EQ(root.attr("name"), "lab");
    EXPECT_EQ(root.attr("tests"), "3");
    EXPECT_EQ(root.attr("failures"), "1");
    EXPECT_EQ(root.attr("skipped"), "1");
    EXPECT_EQ(root.attr("errors"), "0");
    EXPECT_EQ(root.attr("time"), "1.250");
    ASSERT_EQ(root.children.size(), 1u);
    const Node& suite = root.children[0];
    EXPECT_EQ(suite.attr("name"), "backlog <30> & \"netcat\"");
    EXPECT_EQ(suite.attr("hostname"), "host'1");
    EXPECT_EQ(suite.attr("timestamp"), "2026-11-30T15:08:15");
    auto cases = suite.all("testcase");
    ASSERT_EQ(cases.size(), 3u);
    EXPECT_EQ(cases[0]->attr("classname"), "backlog <30> & \"netcat\"");
    EXPECT_EQ(cases[0]->attr("name"), "queue-is-backlog-plus-one");
    EXPECT_TRUE(cases[0]->children.empty());
    ASSERT_EQ(cases[1]->children.size(), 1u);
    const Node& failure = cases[1]->children[0];
    EXPECT_EQ(failure.name, "failure");
    EXPECT_EQ(failure.attr("message"), "expected ≥ 20, observed 0");
    EXPECT_EQ(failure.text,
              "expected: ≥ 20\nobserved: 0\ndocumented: 29\nwhere: scenarios/x.toml:52:1\ndetail: 0 < 20 <script>");
    ASSERT_EQ(cases[2]->children.size(), 1u);
    EXPECT_EQ(cases[2]->children[0].name, "skipped");
    EXPECT_EQ(cases[2]->children[0].attr("message"), "kernel 6.18 is not <5.0");
    auto properties = suite.all("properties");
    ASSERT_EQ(properties.size(), 1u);
    EXPECT_EQ(properties[0]->children[0].attr("name"), "scenario.file");
}

TEST(JunitXml, AnErrorRunMakesEachExpectationAnErrorAndACutShortRunAddsOne) {
    auto error = plain_run();
    error.run.outcome = record::RunOutcome::Error;
    error.run.outcome_detail = "setns: EPERM";
    auto cut = plain_run();
    cut.run.outcome = record::RunOutcome::TimeLimit;
    cut.run.outcome_detail = "60 s";
    Node root = checked(junit_xml({&error, &cut}, "my run"));
    EXPECT_EQ(root.attr("name"), "my run");
    ASSERT_EQ(root.children.size(), 2u);
    const Node& e = root.children[0];
    EXPECT_EQ(e.attr("errors"), "1");  // one expectation in the record
    EXPECT_EQ(e.attr("failures"), "0");
    auto cases = e.all("testcase");
    ASSERT_EQ(cases.size(), 1u);
    EXPECT_EQ(cases[0]->children[0].name, "error");
    EXPECT_EQ(cases[0]->children[0].attr("message"), "run error: setns: EPERM");
    const Node& c = root.children[1];
    EXPECT_EQ(c.attr("tests"), "4");
    EXPECT_EQ(c.attr("errors"), "1");
    EXPECT_EQ(c.attr("failures"), "1");
    EXPECT_EQ(c.all("testcase").back()->attr("name"), "run outcome");
    EXPECT_EQ(c.all("testcase").back()->children[0].attr("type"), "time-limit");
    EXPECT_EQ(root.attr("errors"), "2");
}

TEST(JunitXml, ASweepHasASuitePerCellAndRepeatAndErrorsForEveryMissingRun) {
    auto records = full_grid(backlog_by_cookies(), 2);
    std::erase_if(records, [](const StoredRecord& r) {
        return r.record.sweep->cell_id == "c-256-1" || (r.record.sweep->cell_id == "c-64-0" && r.record.sweep->repeat == 1);
    });
    test::fail_verdict(stored(records, {"16", "1"}, 1).record, "18", "18 is not = 17");
    Node root = checked(sweep_junit_xml(gather_sweep(records)));
    EXPECT_EQ(root.attr("name"), "backlog-sweep");
    ASSERT_EQ(root.children.size(), 9u + 1);
    EXPECT_EQ(root.children[0].attr("name"), "backlog-sweep backlog=16,tcp_syncookies=0 repeat 0/2");
    EXPECT_EQ(root.children[0].all("testcase")[0]->attr("classname"), "backlog-sweep[backlog=16,tcp_syncookies=0]");
    EXPECT_EQ(root.children[0].all("testcase")[0]->attr("name"), "queue-is-backlog-plus-one");
    const Node& missing = root.children.back();
    EXPECT_EQ(missing.attr("name"), "backlog-sweep: missing runs");
    auto cases = missing.all("testcase");
    ASSERT_EQ(cases.size(), 3u);
    EXPECT_EQ(cases[0]->attr("classname"), "backlog-sweep[backlog=64,tcp_syncookies=0]");
    EXPECT_EQ(cases[0]->attr("name"), "repeat 1");
    EXPECT_EQ(cases[1]->attr("classname"), "backlog-sweep[backlog=256,tcp_syncookies=1]");
    EXPECT_EQ(cases[2]->attr("name"), "repeat 1");
    EXPECT_EQ(cases[2]->children[0].attr("message"), "no record of cell backlog=256, tcp_syncookies=1 repeat 1");
    EXPECT_EQ(root.attr("tests"), "12");
    EXPECT_EQ(root.attr("failures"), "1");
    EXPECT_EQ(root.attr("errors"), "3");
}

TEST(JunitXml, ControlCharactersAndInvalidUtf8CannotBreakTheDocument) {
    auto r = plain_run();
    r.scenario.name = std::string("nul\0bell\x07 bad\xff", 14);
    r.verdicts[1].detail = "]]> <!-- --> &amp;";
    Node root = checked(junit_xml({&r}));
    EXPECT_EQ(root.children[0].attr("name"), "nul\xEF\xBF\xBD" "bell\xEF\xBF\xBD bad\xEF\xBF\xBD");
    EXPECT_NE(root.children[0].all("testcase")[1]->children[0].text.find("detail: ]]> <!-- --> &amp;"), std::string::npos);
}

}  // namespace
}  // namespace lab::analysis
