#pragma once
#include <string>
#include <string_view>

namespace lab::cli {

// Why `command` ("lab clean") needs root, in its own words: what it would do that a user may not.
std::string why_root(std::string_view command);

// True when running as root. Otherwise prints one message naming what needs root, and why, and returns false.
bool require_root(const std::string& what);

// Where lab-server and lab-client are: beside this executable.
std::string agent_directory();

}  // namespace lab::cli
