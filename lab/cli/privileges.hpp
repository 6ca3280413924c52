#pragma once
#include <string>

namespace lab::cli {

// True when running as root. Otherwise prints one message naming what needs root and returns false.
bool require_root(const std::string& what);

// Where lab-server and lab-client are: beside this executable.
std::string agent_directory();

}  // namespace lab::cli
