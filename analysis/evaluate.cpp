#include "analysis/evaluate.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "analysis/kernel_version.hpp"
#include "analysis/number_text.hpp"
#include "analysis/observe.hpp"
#include "common/successor_cycles.hpp"

namespace lab::analysis {
namespace {

// The observation another expectation must equal (same_as), or why it cannot be had.
struct Reference {
    std::string id;
    std::optional<double> value;
    std::string problem;
};

class Judge {
public:
    explicit Judge(const record::RunRecord& r)
        : r_(r), kernel_(parse_kernel_version(r.run.kernel)), on_cycle_(r.expectations.size(), false) {
        for (std::size_t i = 0; i < r.expectations.size(); ++i) {
            by_id_.emplace(r.expectations[i].id, i);  // the first of duplicate ids wins, as the parser reports
            // same_as compares against another expectation's observation, never its verdict, so all
            // observations can be made up front and no evaluation order is needed.
            observations_.push_back(observe(r, r.expectations[i]));
        }
        // Only a chain that returns to an expectation is its own problem; one that merely leads into a
        // cycle elsewhere still has a referent with an observation, and that cycle fails on its own rows.
        // Found once for all, in one pass: following each chain from each expectation is quadratic.
        auto target = [this](std::size_t i) -> std::optional<std::size_t> {
            const std::string& name = r_.expectations[i].same_as;
            if (name.empty()) return std::nullopt;
            auto it = by_id_.find(name);
            if (it == by_id_.end()) return std::nullopt;
            return it->second;
        };
        for (const auto& cycle : successor_cycles(r.expectations.size(), target))
            for (std::size_t i : cycle) on_cycle_[i] = true;
    }

    std::vector<record::Verdict> run() {
        std::vector<record::Verdict> out;
        out.reserve(r_.expectations.size());
        for (std::size_t i = 0; i < r_.expectations.size(); ++i) out.push_back(judge(i));
        return out;
    }

private:
    record::Verdict judge(std::size_t i) {
        const record::Expectation& e = r_.expectations[i];
        const Observation& obs = observations_[i];
        record::Verdict v;
        v.id = e.id;
        v.description = e.description;
        v.origin = e.origin;
        v.documented = e.documented;
        if (obs.value) v.observed = number_text(*obs.value);

        std::optional<Reference> ref;
        if (!e.same_as.empty()) ref = reference(i);
        v.expected = expected_text(e, ref);

        auto fail = [&](std::string detail) {
            v.status = record::VerdictStatus::Fail;
            v.detail = std::move(detail);
            return v;
        };

        if (!e.when_holds) {
            v.status = record::VerdictStatus::Skip;
            v.detail = fmt::format("not judged in this sweep cell: when {}", e.when);
            return v;
        }
        if (!e.kernel.empty()) {
            auto cond = parse_kernel_condition(e.kernel);
            if (failed(cond))
                return fail(fmt::format("kernel condition '{}' is malformed: {}", e.kernel,
                                        std::get<ParseError>(cond).message));
            if (failed(kernel_))
                return fail(fmt::format("cannot apply kernel condition '{}': {}", e.kernel,
                                        std::get<ParseError>(kernel_).message));
            const KernelVersion& here = std::get<KernelVersion>(kernel_);
            if (!std::get<KernelCondition>(cond).admits(here)) {
                v.status = record::VerdictStatus::Skip;
                v.detail = fmt::format("kernel {} not in {}", to_string(here), e.kernel);
                return v;
            }
        }
        if (!obs.value) return fail(obs.problem);
        if (!e.equals && !e.min && !e.max && !ref)
            return fail("no comparison given (equals, min, max or same_as)");
        if (ref && !ref->value) return fail(ref->problem);

        double x = *obs.value;
        bool ok = (!e.equals || x == *e.equals) && (!e.min || x >= *e.min) && (!e.max || x <= *e.max) &&
                  (!ref || x == *ref->value);
        if (!ok) return fail(fmt::format("observed {}, expected {}", v.observed, v.expected));
        v.status = record::VerdictStatus::Pass;
        return v;
    }

    Reference reference(std::size_t i) const {
        const record::Expectation& e = r_.expectations[i];
        Reference ref{e.same_as, std::nullopt, {}};
        auto it = by_id_.find(e.same_as);
        if (it == by_id_.end()) {
            ref.problem = fmt::format("same_as '{}' names no expectation", e.same_as);
            return ref;
        }
        if (on_cycle_[i]) {
            ref.problem = fmt::format("same_as '{}' leads back to '{}': a cycle", e.same_as, e.id);
            return ref;
        }
        const Observation& target = observations_[it->second];
        ref.value = target.value;
        if (!target.value) ref.problem = fmt::format("'{}' has no observed value: {}", e.same_as, target.problem);
        return ref;
    }

    static std::string expected_text(const record::Expectation& e, const std::optional<Reference>& ref) {
        std::string out;
        auto add = [&](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
        if (e.equals) add("= " + number_text(*e.equals));
        if (e.min && e.max) add(fmt::format("in [{}, {}]", number_text(*e.min), number_text(*e.max)));
        else if (e.min) add("≥ " + number_text(*e.min));
        else if (e.max) add("≤ " + number_text(*e.max));
        if (ref) {
            if (ref->value) add(fmt::format("= observed of '{}' ({})", ref->id, number_text(*ref->value)));
            else add(fmt::format("= observed of '{}'", ref->id));
        }
        return out;
    }

    const record::RunRecord& r_;
    Parsed<KernelVersion> kernel_;
    std::map<std::string, std::size_t> by_id_;
    std::vector<Observation> observations_;
    std::vector<bool> on_cycle_;
};

}  // namespace

std::vector<record::Verdict> evaluate(const record::RunRecord& r) { return Judge(r).run(); }

}  // namespace lab::analysis
