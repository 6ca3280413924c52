#include "lab/vm/module_closure.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace lab::vm {
namespace {

std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        std::size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

template <typename F>
void for_each_line(std::string_view text, F&& f) {
    std::size_t line_no = 0;
    while (!text.empty()) {
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        f(++line_no, trim_blanks(line));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
}

}  // namespace

std::string module_name_of(std::string_view path) {
    std::size_t slash = path.rfind('/');
    std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    if (std::size_t ko = base.find(".ko"); ko != std::string_view::npos) base = base.substr(0, ko);
    std::string name(base);
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

ModuleIndex ModuleIndex::parse(std::string_view modules_dep, std::string_view modules_builtin) {
    ModuleIndex index;
    for_each_line(modules_dep, [&](std::size_t line_no, std::string_view line) {
        if (line.empty() || line.front() == '#') return;
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            throw std::runtime_error(fmt::format("modules.dep:{}: no ':' in '{}'", line_no, line));
        std::string_view path = trim_blanks(line.substr(0, colon));
        if (path.empty()) throw std::runtime_error(fmt::format("modules.dep:{}: empty module path", line_no));
        std::string name = module_name_of(path);
        index.paths_[name] = std::string(path);
        auto& deps = index.deps_[name];
        for (std::string_view dep : words(line.substr(colon + 1))) deps.push_back(module_name_of(dep));
    });
    for_each_line(modules_builtin, [&](std::size_t, std::string_view line) {
        if (!line.empty()) index.builtin_.insert(module_name_of(line));
    });
    return index;
}

void ModuleIndex::visit(const std::string& name, std::set<std::string>& done, std::set<std::string>& active,
                        std::vector<std::string>& order) const {
    if (done.count(name)) return;
    auto path = paths_.find(name);
    if (path == paths_.end()) {
        if (builtin_.count(name)) {
            done.insert(name);
            return;
        }
        throw std::runtime_error(fmt::format("kernel module {}: not in modules.dep and not built in", name));
    }
    // depmod never writes a cycle, but a hand-edited or truncated file must not loop forever.
    if (!active.insert(name).second)
        throw std::runtime_error(fmt::format("kernel module {}: dependency cycle in modules.dep", name));
    for (const auto& dep : deps_.at(name)) visit(dep, done, active, order);
    active.erase(name);
    done.insert(name);
    order.push_back(path->second);
}

std::vector<std::string> ModuleIndex::load_order(const std::vector<std::string>& wanted) const {
    std::vector<std::string> order;
    std::set<std::string> done, active;
    for (const auto& w : wanted) visit(module_name_of(w), done, active, order);
    return order;
}

}  // namespace lab::vm
