#pragma once
// Where a failed system call becomes an exception. The message reads on its own: object, operation,
// errno by name, then any detail such as the kernel's extended-ack text
// ("create veth eth0 in netns lab-3f2a-a: File exists (EEXIST)").
#include <stdexcept>
#include <string>
#include <string_view>

namespace lab::sys {

class KernelError : public std::runtime_error {
 public:
    KernelError(const std::string& what, int err, std::string_view detail = {});
    int error_code() const noexcept { return err_; }

 private:
    int err_;
};

// "File exists (EEXIST)": the English text for people, the name for grep and for tables.
std::string describe_errno(int err);

[[noreturn]] void throw_kernel_error(const std::string& what, int err);

}  // namespace lab::sys
