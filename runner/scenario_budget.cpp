#include "runner/scenario_budget.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "runner/scenario.hpp"

namespace lab::runner {

ResourceNeeds resource_needs(const Scenario& scenario) {
    // The same test as Topology::build: a segment of more than two ends, or one with a middle (a shaped
    // link), puts its ports in the switch namespace.
    const bool switched = std::any_of(scenario.links.begin(), scenario.links.end(),
                                      [](const LinkSpec& l) { return l.ends.size() > 2 || l.shaped; });
    ResourceNeeds needs;
    needs.namespaces = scenario.hosts.size() + (switched ? 1 : 0);
    needs.descriptors = kDescriptorsPerNamespace * needs.namespaces + kDescriptorsOfLab;
    return needs;
}

ResourceLimits current_resource_limits() {
    ResourceLimits limits;
    rlimit nofile{};
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) limits.descriptors = nofile.rlim_cur;
    std::ifstream max_namespaces("/proc/sys/user/max_net_namespaces");
    std::uint64_t n = 0;
    if (max_namespaces >> n) limits.namespaces = n;
    return limits;
}

namespace {

// Recursion as deep as the file nests: toml++ refuses nesting deeper than 256 while it parses.
void add_size(const toml::node& node, ScenarioSize& size) {
    if (const toml::table* t = node.as_table()) {
        for (const auto& [key, value] : *t) {
            size.values += 1;
            size.text_bytes += key.str().size();
            add_size(value, size);
        }
    } else if (const toml::array* a = node.as_array()) {
        for (const toml::node& item : *a) {
            size.values += 1;
            add_size(item, size);
        }
    } else if (const auto* s = node.as_string()) {
        size.text_bytes += s->get().size();
    }
}

std::uint64_t saturating_product(std::uint64_t a, std::uint64_t b) {
    std::uint64_t product = 0;
    return __builtin_mul_overflow(a, b, &product) ? UINT64_MAX : product;
}

}  // namespace

ScenarioSize scenario_size(const toml::table& root) {
    ScenarioSize size;
    add_size(root, size);
    return size;
}

std::optional<std::string> sweep_budget_problem(std::size_t cells, const ScenarioSize& size) {
    const std::uint64_t values = saturating_product(cells, size.values);
    if (values > kMaxSweepValuesChecked)
        return fmt::format("the sweep's {} cells × {} values of the file = {} values to check (every cell is "
                           "validated as a scenario of its own), more than the {} a sweep may have: narrow the grid "
                           "(--var, --set, fewer values) or split it into several sweeps",
                           cells, size.values, values, kMaxSweepValuesChecked);
    const std::uint64_t text = saturating_product(cells, size.text_bytes);
    if (text > kMaxSweepTextChecked)
        return fmt::format("the sweep's {} cells × {} bytes of keys and strings in the file = {} bytes to check (every "
                           "cell is validated as a scenario of its own), more than the {} a sweep may have: narrow the "
                           "grid (--var, --set, fewer values), shorten the strings or split it into several sweeps",
                           cells, size.text_bytes, text, kMaxSweepTextChecked);
    return std::nullopt;
}

}  // namespace lab::runner
