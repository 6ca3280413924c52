#pragma once
// Kernel versions and the conditions expectations put on them (">=4.4", "<5.0", ">=3.10,<6.0"): a
// behaviour documented on one kernel may have changed since, and the scenario says where it holds.
#include <string>
#include <string_view>
#include <vector>

#include "common/units.hpp"  // Parsed<T>, ParseError

namespace lab::analysis {

// The numeric dotted prefix of a release string: "6.18.44-fc-v669" → {6, 18, 44}.
struct KernelVersion {
    std::vector<int> parts;
};

// Parse failure names what was wrong; uname releases without a leading number ("", "abc") fail.
Parsed<KernelVersion> parse_kernel_version(std::string_view release);

std::string to_string(const KernelVersion& v);  // "6.18.44"

// Missing components count as zero: 4.4 == 4.4.0 < 4.4.1.
int compare(const KernelVersion& a, const KernelVersion& b);

enum class KernelOp { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual };

struct KernelClause {
    KernelOp op = KernelOp::Equal;
    KernelVersion version;
};

// Clauses joined by commas, all of which must hold. "=" and "!=" compare only the components the
// clause writes, so "=4.4" means any 4.4.x, which is how people speak of kernel series.
struct KernelCondition {
    std::vector<KernelClause> clauses;
    bool admits(const KernelVersion& v) const;
};

Parsed<KernelCondition> parse_kernel_condition(std::string_view text);

}  // namespace lab::analysis
