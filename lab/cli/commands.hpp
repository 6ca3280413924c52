#pragma once
// The subcommands of `lab`. Each registers its options on the CLI11 app and returns the exit status
// when run: 0 all expectations held, 1 some failed, 2 an error (bad input, not root, kernel refused).
#include <functional>

namespace CLI {
class App;  // CLI11's; only the subcommands' own files include it
}

namespace lab::cli {

using Command = std::function<int()>;

Command add_run(CLI::App& app);
Command add_validate(CLI::App& app);
Command add_list(CLI::App& app);
Command add_clean(CLI::App& app);
Command add_doctor(CLI::App& app);
Command add_report(CLI::App& app);
Command add_compare(CLI::App& app);
Command add_vm(CLI::App& app);
Command add_sweep(CLI::App& app);
Command add_ctl(CLI::App& app);

inline constexpr int kExitPass = 0;
inline constexpr int kExitFail = 1;
inline constexpr int kExitError = 2;

}  // namespace lab::cli
