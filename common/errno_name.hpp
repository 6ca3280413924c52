#pragma once
// errno values by their symbolic names ("ECONNRESET"), which is how scenarios, events and error
// messages spell them: strerror() text differs between libcs and reads badly in a table.
#include <optional>
#include <string>
#include <string_view>

namespace lab {

// "ECONNRESET" for ECONNRESET; "E<number>" for a value this table does not know.
std::string errno_name(int err);

// The inverse; nullopt for a name that is not an errno this table knows.
std::optional<int> errno_from_name(std::string_view name);

}  // namespace lab
