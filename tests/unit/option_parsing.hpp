#pragma once
// The command-line parsers of lab-client, lab-server and lab-wire as their tests call them: the arguments
// after the program's name in; the options, or the CliExit that --help or a usage error gives, out.
#include <utility>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "sys/cli_exit.hpp"

namespace lab::test {

template <class Options>
using Parsed = std::variant<Options, sys::CliExit>;

template <class Options>
using OptionParser = Parsed<Options> (*)(int argc, const char* const* argv);

template <class Options>
Parsed<Options> parse_arguments(OptionParser<Options> parser, const char* program, std::vector<const char*> args) {
    args.insert(args.begin(), program);
    return parser(static_cast<int>(args.size()), args.data());
}

// The options; a test failure naming the exit (and default options) when the parser refused them.
template <class Options>
Options options_of(const Parsed<Options>& parsed) {
    if (const auto* exit = std::get_if<sys::CliExit>(&parsed)) {
        ADD_FAILURE() << "exit " << exit->code << ": " << exit->message;
        return {};
    }
    return std::get<Options>(parsed);
}

// The exit; a test failure when the parser took the arguments.
template <class Options>
sys::CliExit exit_of(const Parsed<Options>& parsed) {
    EXPECT_TRUE(std::holds_alternative<sys::CliExit>(parsed)) << "the arguments were accepted";
    return std::holds_alternative<sys::CliExit>(parsed) ? std::get<sys::CliExit>(parsed) : sys::CliExit{};
}

}  // namespace lab::test
