#pragma once
// gnuplot as a child process: the script on its stdin, the SVG from its stdout, stderr kept for the error
// message. No shell, no files, no init files (-d); bounded in time — a gnuplot that has not finished by
// the deadline is killed (SIGKILL, by its pid) and reaped.
#include <chrono>
#include <stdexcept>
#include <string>

namespace lab::analysis {

// gnuplot is not on PATH. The message says which package to install.
class GnuplotNotFound : public std::runtime_error {
public:
    GnuplotNotFound() : std::runtime_error("gnuplot not found: install gnuplot-nox") {}
};

// The gnuplot on PATH; throws GnuplotNotFound.
std::string gnuplot_executable();

// Runs `gnuplot -d` with `script` on stdin and returns its stdout. Throws GnuplotNotFound, or
// std::runtime_error naming gnuplot's pid and exit status with the first lines of its stderr, the
// system call and errno name that failed, or the deadline it missed.
std::string run_gnuplot(const std::string& script, std::chrono::milliseconds limit = std::chrono::seconds(10));

}  // namespace lab::analysis
