#include "analysis/verdict_counts.hpp"

#include <fmt/format.h>

namespace lab::analysis {

VerdictCounts count_verdicts(const std::vector<record::Verdict>& verdicts) {
    VerdictCounts c;
    for (const record::Verdict& v : verdicts) {
        switch (v.status) {
            case record::VerdictStatus::Pass: ++c.passed; break;
            case record::VerdictStatus::Fail: ++c.failed; break;
            case record::VerdictStatus::Skip: ++c.skipped; break;
        }
        ++c.total;
    }
    return c;
}

VerdictCounts& operator+=(VerdictCounts& a, const VerdictCounts& b) {
    a.passed += b.passed;
    a.failed += b.failed;
    a.skipped += b.skipped;
    a.total += b.total;
    return a;
}

std::string counts_text(const VerdictCounts& c) {
    std::string out = fmt::format("{}/{} expectations passed", c.passed, c.total);
    if (c.failed) out += fmt::format(", {} failed", c.failed);
    if (c.skipped) out += fmt::format(", {} skipped", c.skipped);
    return out;
}

}  // namespace lab::analysis
