#pragma once
// Which kernel modules a guest must insmod, and in which order. busybox's insmod loads one file and
// resolves nothing, so the host works out each module's dependencies from the kernel package's
// modules.dep (written by `depmod -b`) and lists them dependencies-first. Modules built into the kernel
// (modules.builtin) need no file and are left out.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lab::vm {

// "sch_netem" for "kernel/net/sched/sch_netem.ko" or ".ko.xz"; dashes become underscores, as the
// kernel itself treats them as the same character in module names.
std::string module_name_of(std::string_view path);

class ModuleIndex {
public:
    // modules_dep: the text of modules.dep ("kernel/a.ko: kernel/b.ko kernel/c.ko" per line);
    // modules_builtin: the text of modules.builtin (one path per line), may be empty.
    // Throws std::runtime_error naming the line of a malformed modules.dep.
    static ModuleIndex parse(std::string_view modules_dep, std::string_view modules_builtin);

    bool has(const std::string& name) const { return paths_.count(module_name_of(name)) != 0; }
    bool builtin(const std::string& name) const { return builtin_.count(module_name_of(name)) != 0; }

    // Relative paths (as in modules.dep) of every module to load for `wanted`, each after all of its
    // dependencies, none twice. Built-in modules are skipped. Throws naming a module that is neither
    // a file nor built in.
    std::vector<std::string> load_order(const std::vector<std::string>& wanted) const;

private:
    void visit(const std::string& name, std::set<std::string>& done, std::set<std::string>& active,
               std::vector<std::string>& order) const;

    std::map<std::string, std::string> paths_;               // name → relative path
    std::map<std::string, std::vector<std::string>> deps_;  // name → names it needs
    std::set<std::string> builtin_;
};

}  // namespace lab::vm
