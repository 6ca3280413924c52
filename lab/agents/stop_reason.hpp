#pragma once
// Why a client's run ended, as its summary line names it: every op done, its --duration reached, or a
// termination signal.
#include <string_view>

namespace lab::agent {

enum class StopReason { Done, Deadline, Signal };

constexpr std::string_view stop_name(StopReason reason) {
    switch (reason) {
    case StopReason::Done: return "done";
    case StopReason::Deadline: return "deadline";
    case StopReason::Signal: return "signal";
    }
    return "?";
}

}  // namespace lab::agent
