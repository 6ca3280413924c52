// lab-wire: see wire_options.cpp for the command line, wire_link.cpp for the loop.
#include <cstdio>
#include <exception>

#include <unistd.h>

#include "lab/wire/wire_link.hpp"
#include "lab/wire/wire_options.hpp"

int main(int argc, char** argv) {
    using namespace lab::wire;
    auto parsed = parse_wire_options(argc, argv);
    if (auto* exit = std::get_if<lab::sys::CliExit>(&parsed)) return lab::sys::report_cli_exit(*exit);
    try {
        return run_wire(std::get<WireOptions>(parsed), STDOUT_FILENO);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lab-wire: %s\n", e.what());
        return 1;
    }
}
