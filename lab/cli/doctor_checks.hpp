#pragma once
// The checks behind `lab doctor`: each one tries the real thing in a throwaway namespace (never in the
// host's) and says what works here, what does not, and where to go instead.
#include <string>
#include <vector>

namespace lab::cli {

struct DoctorCheck {
    std::string name;
    std::string status;  // "ok", "missing", "no", "n/a"
    std::string detail;
    bool essential = false;  // lab run cannot work without it
};

std::vector<DoctorCheck> run_doctor_checks();

}  // namespace lab::cli
