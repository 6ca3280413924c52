#include "tests/fuzz/crash_report.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace lab::fuzz {
namespace {

char g_line[4096];
std::size_t g_length = 0;

void print_line() {
    [[maybe_unused]] auto written = ::write(STDERR_FILENO, g_line, g_length);
}

void on_fatal_signal(int sig) {
    print_line();
    ::signal(sig, SIG_DFL);  // SA_RESETHAND did this already; say it for the reader
    ::raise(sig);
}

void handle(int sig) {
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    action.sa_flags = SA_RESETHAND | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    ::sigaction(sig, &action, nullptr);
}

}  // namespace

void install_crash_report() {
    // abort() (an assertion, std::terminate) is not the sanitizers' to report.
    handle(SIGABRT);
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_set_death_callback(print_line);
#else
    // A stack overflow (deep nesting) leaves no stack to run the handler on: give it its own.
    static char alternate_stack[1 << 16];
    stack_t ss{};
    ss.ss_sp = alternate_stack;
    ss.ss_size = sizeof(alternate_stack);
    ::sigaltstack(&ss, nullptr);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) handle(sig);
#endif
}

void set_crash_report(std::string_view line) {
    g_length = std::min(line.size(), sizeof(g_line));
    std::memcpy(g_line, line.data(), g_length);
}

}  // namespace lab::fuzz
